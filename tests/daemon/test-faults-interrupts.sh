#!/bin/bash
# Fault injection on /proc/interrupts under the real tlbisod (a sysroot whose
# file this script replaces between samples). Each fault is followed by a good
# file again: the daemon must skip the bad samples (status degraded, the cause
# in notes and in the log), keep its loop going (errors keep counting, status
# keeps answering), and take up sampling with no event lost or invented.
# Speaks TAP; never asserts a time (bounded polls only).
#
#   fault                                  daemon behaviour checked here
#   -------------------------------------  ----------------------------------------------
#   a directory in place of the file       sample skipped: "cannot read ...: Is a directory"
#   a dangling symlink                     sample skipped: "cannot open ...: No such file"
#   a FIFO nobody writes                   sample skipped at once: "a FIFO, not a regular
#                                          file"; the loop never blocks on it
#   mode 000 (not root only)               sample skipped: "Permission denied"
#   an empty file                          sample skipped: the parser's reason
#   truncated in the middle of a line      sample skipped: "line N: ..." (no newline)
#   a row with too few columns             sample skipped: "expected 4 counts, found 2"
#   10 MB, valid (118000 IRQ rows)         parsed every interval; its events counted exactly
#   10 MB, one line of garbage             sample skipped: the parser's reason
#   columns shift (CPU 1 offline)          each CPU found by its header id: no alert, and
#                                          TLB on CPU 3 is blamed on CPU 3 only
#   a column for an unknown CPU appears    ignored; no alert
#   a counter goes back (not a wrap)       taken as a reset: no alert, delta skipped,
#                                          logged once; counting resumes from the new value
#   a counter wraps at 2^32                counted as the small delta it is
# After every skipped sample the next good file is counted against the last
# good one: events that happened during the fault are neither lost nor doubled.
set -u

# shellcheck source=tests/daemon/lib.sh
. "${top_srcdir:-.}/tests/daemon/lib.sh"
need_tools jq awk
need_daemon
tl_tmpdir tlbisod-faults
prom=$tmp/tlbiso.prom
irqf=$sys/proc/interrupts
# a daemon stuck in open() on the FIFO does not read SIGTERM: -9 then
cleanup_signal=9

# wait_for_prom LINE: poll until the textfile has exactly this line.
wait_for_prom() { wait_for_line "$prom" "$1"; }
# put FILE: make FILE the new /proc/interrupts in one rename.
put() { mv -f "$1" "$irqf"; }
# replace_with_special KIND: a directory, a dangling symlink or a FIFO in place of the file.
replace_with_special() {
	rm -f "$irqf"
	case $1 in
	dir) mkdir "$irqf" ;;
	dangling) ln -s /no/such/interrupts "$irqf" ;;
	fifo) mkfifo "$irqf" ;;
	esac
}
restore_file() {
	[ -d "$irqf" ] && [ ! -L "$irqf" ] && rmdir "$irqf"
	rm -f "$irqf"
	write_interrupts
}

# skipped DESC CAUSE: the daemon skips samples for CAUSE, says so in notes and
# the log, and its loop keeps going (two more errors counted, status answered).
skipped() {
	local desc=$1 cause=$2 e1
	if ! wait_for "([.notes[] | select(startswith(\"last sample failed: \") and contains(\"$cause\"))] | length == 1) and .state == \"degraded\""; then
		not_ok "$desc: skipped, degraded, cause in notes" "wanted a note with: $cause" \
			"status: $(status 2>&1 | jq -c '[.state, .notes]' 2>&1)"
		return
	fi
	e1=$(jqs .sample_errors)
	wait_for ".sample_errors >= $((e1 + 2))"
	check "$desc: skipped, degraded, cause in notes; the loop goes on" [ $? -eq 0 ]
	grep -F "sample skipped: " "$tmp/daemon.log" | grep -qF "$cause"
	check "... logged with its cause" [ $? -eq 0 ]
}
# resumed: a good file again; the daemon is ok and samples advance.
resumed() {
	local s0
	restore_file
	wait_for '.state == "ok" and .alerts == []'
	s0=$(jqs .samples)
	wait_for ".samples >= $((s0 + 2)) and .state == \"ok\""
	check "... sampling resumes with the next good file (ok, samples advance)" [ $? -eq 0 ]
}

make_sysroot
cat >"$conf" <<EOF
monitor = {
	interval_ms = 100;
	window = 4;
	clear_after = 3;
	baseline_samples = 0;
};
alerts = { prometheus_textfile = "$prom"; };
EOF
start_daemon --sysroot "$sys"
wait_for '.samples >= 2 and .state == "ok"'
check "the daemon runs on the sysroot, state ok" [ $? -eq 0 ]

# --- unreadable: what makes a read fail for root too
replace_with_special dir
# events that happen while the file cannot be read are counted once it can
TLB[2]=$((TLB[2] + 7))
skipped "a directory in place of /proc/interrupts" "cannot read /proc/interrupts: Is a directory"
resumed
check "... the 7 TLB events made during the fault are counted once, not lost" \
	wait_for_prom "$(tlb_total 2 7)"
wait_for '.state == "ok" and .alerts == []'

replace_with_special dangling
skipped "a dangling symlink" "cannot open /proc/interrupts: No such file or directory"
resumed

replace_with_special fifo
skipped "a FIFO nobody writes (refused, not waited on)" \
	"cannot read /proc/interrupts: a FIFO, not a regular file"
check "... status is answered while the FIFO is in place (the loop is not blocked)" \
	[ "$(jqs .schema)" = tlbiso.status/1 ]
# a daemon blocked in open() waits for a writer: put a good file in place,
# then be that writer, so that the rest can run
if [ "$(jqs .schema)" != tlbiso.status/1 ]; then
	mv "$irqf" "$tmp/fifo"
	write_interrupts
	timeout 5 sh -c ': >"$1"' sh "$tmp/fifo"
fi
resumed

if [ "$(id -u)" -ne 0 ]; then
	chmod 000 "$irqf"
	skipped "a file of mode 000" "Permission denied"
	resumed
else
	ok "# SKIP mode 000 does not stop root (the cases above fail for root too)"
fi

# --- malformed contents
: >"$tmp/empty"
put "$tmp/empty"
skipped "an empty file" "/proc/interrupts: "
resumed

write_interrupts
# cut in the middle of the LOC row: no newline at the end, and a short row
head -c "$(($(grep -b '^ *LOC:' "$irqf" | cut -d: -f1) + 20))" "$irqf" >"$tmp/cut"
put "$tmp/cut"
skipped "a file truncated in the middle of a line" "/proc/interrupts: line 3: "
resumed

write_interrupts
sed 's/^\( *CAL:\) *\([0-9]*\) *\([0-9]*\) .*/\1 \2 \3   Function call interrupts/' "$irqf" >"$tmp/short"
check "(the short-row fixture has a CAL row with 2 counts)" \
	grep -qE '^ *CAL: +[0-9]+ +[0-9]+ +Function' "$tmp/short"
put "$tmp/short"
skipped "a row with too few columns" "expected 4 counts, found 2"
resumed

# --- a file of 10 MB: parsed every interval, its counts taken as they are
# big_file OUT: the current counters plus 118000 device IRQ rows (about 10 MB).
big_file() {
	write_interrupts
	awk '{ print } /^ *24:/ {
		for (i = 1000; i < 119000; i++)
			printf "%6d: %10u %10u %10u %10u   PCI-MSI %d-edge      nvme0q%d\n", i, i, 0, 0, 0, i, i
	}' "$irqf" >"$1"
}
big_file "$tmp/big"
size=$(stat -c %s "$tmp/big")
check "(the big fixture is at least 10 MB: $size bytes)" [ "$size" -ge $((10 << 20)) ]
put "$tmp/big"
s0=$(jqs .samples)
wait_for ".samples >= $((s0 + 3)) and .state == \"ok\" and .sample_errors == $(jqs .sample_errors)"
check "a 10 MB file is parsed every interval: samples advance, no error, state ok" [ $? -eq 0 ]
TLB[3]=$((TLB[3] + 11))
big_file "$tmp/big"
put "$tmp/big"
check "... TLB events on CPU 3 inside the 10 MB file are counted exactly" \
	wait_for_prom "$(tlb_total 3 11)"
# (the alert is short-lived: look for it in the history)
check "... and raise tlb_shootdown on CPU 3" \
	wait_for '[.history[] | select(.type == "tlb_shootdown" and .event == "raised") | .cpus] | last == [3]'
resumed

awk 'BEGIN { for (i = 0; i < 10 * 1024 * 1024 / 8; i++) printf "garbage!" }' >"$tmp/garbage"
put "$tmp/garbage"
skipped "10 MB of one line of garbage" "/proc/interrupts: "
resumed

# --- columns that change between samples (hotplug) on the running daemon
# CPU 1 goes offline: CPU 2 and CPU 3 move to columns 1 and 2. Their counters
# differ by far, so taking a column for the CPU of the same index would show
# as a huge delta (or a reset) on an isolated CPU.
CAL[3]=$((CAL[3] + 100000)) LOC[3]=$((LOC[3] + 100000))
write_interrupts
wait_for '.alerts != []'
wait_for '.state == "ok" and .alerts == []'
r0=$(grep -c 'went back on CPU' "$tmp/daemon.log")
online="0 2 3"
write_interrupts
s0=$(jqs .samples)
wait_for ".samples >= $((s0 + 3))"
check "columns shift (CPU 1 offline): no alert, state ok, CPUs 2 and 3 online" \
	[ "$(jqs '[.state, (.alerts | length), ([.cpus[] | .online] | all)] | @text')" = '["ok",0,true]' ]
check "... and no counter is taken for a reset" \
	[ "$(grep -c 'went back on CPU' "$tmp/daemon.log")" = "$r0" ]
s0=$(jqs .samples)
TLB[3]=$((TLB[3] + 9))
write_interrupts
# alerts raised since: from the history, since the alert may clear between polls
since="[.history[] | select(.event == \"raised\" and .sample > $s0) | [.type, .cpus]]"
wait_for "$since != []"
check "... TLB in CPU 3's column (now the third) is blamed on CPU 3 alone" \
	[ "$(jqs "$since | @text")" = '[["tlb_shootdown",[3]]]' ]
check "... and counted exactly" wait_for_prom "$(tlb_total 3 20)"
wait_for '.state == "ok" and .alerts == []'
# a CPU the sysroot never listed gets a column: not watched, not an error
online="0 1 2 3 4"
LOC[4]=5 RES[4]=5 CAL[4]=5 TLB[4]=5 IWI[4]=5 IRQ24[4]=5
write_interrupts
s0=$(jqs .samples)
wait_for ".samples >= $((s0 + 3))"
check "a column for an unknown CPU 4 appears: ignored, no alert, state ok" \
	[ "$(jqs '[.state, (.alerts | length)] | @text')" = '["ok",0]' ]
online="0 1 2 3"
write_interrupts

# --- a counter that goes back (not a wrap), and one that wraps
total2=$(sed -n 's/^tlbiso_interrupts_total{cpu="2",source="TLB"} //p' "$prom")
TLB[2]=$((TLB[2] - 4))
write_interrupts
s0=$(jqs .samples)
wait_for ".samples >= $((s0 + 3))"
check "a TLB counter going back by 4 is a reset, not 4 billion events: no alert" \
	[ "$(jqs '[.state, (.alerts | length)] | @text')" = '["ok",0]' ]
check "... nothing counted for it" grep -qxF "$(tlb_total 2 "$total2")" "$prom"
check "... logged: a counter went back on CPU 2" \
	grep -q 'a counter went back on CPU 2 (a reset, not a wrap)' "$tmp/daemon.log"
TLB[2]=$((TLB[2] + 5))
write_interrupts
check "... counting resumes from the new value (+5)" \
	wait_for_prom "$(tlb_total 2 $((total2 + 5)))"
wait_for '.state == "ok" and .alerts == []'
# a wrap: first a jump near 2^32 (itself a reset: over 2^31 in one interval),
# then 4294967290 -> 4 is 10 events
TLB[3]=4294967290
write_interrupts
s0=$(jqs .samples)
wait_for ".samples >= $((s0 + 2))"
total3=$(sed -n 's/^tlbiso_interrupts_total{cpu="3",source="TLB"} //p' "$prom")
TLB[3]=4
write_interrupts
check "a TLB counter wrapping at 2^32 counts the 10 events it made" \
	wait_for_prom "$(tlb_total 3 $((total3 + 10)))"

# --- after all of it: a clean stop
check "after every fault, SIGTERM still stops the daemon with exit 0" stop_daemon

show_log_on_failure
exit 0
