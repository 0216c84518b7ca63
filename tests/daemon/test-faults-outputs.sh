#!/bin/bash
# Fault injection on what the real tlbisod writes: the Prometheus textfile
# (its directory missing, then its filesystem full) and the state directory
# (on a read-only filesystem). The daemon must log the failure once, say it
# in status, keep sampling, never leave a partial or temporary file, keep the
# last complete textfile, and recover by itself once the cause is gone.
# Speaks TAP; never asserts a time (bounded polls only).
#
#   fault                                  daemon behaviour checked here
#   -------------------------------------  ----------------------------------------------
#   textfile directory missing at start    runs; logs "cannot create a temporary file:
#                                          No such file or directory" once; cause in
#                                          notes; no file; written once the directory is
#                                          back, "written again" logged, note gone
#   textfile directory removed while       the same, and recovers the same way
#   running
#   textfile filesystem full (tmpfs of     logs "No space left on device"; the previous
#   16k, root only)                        textfile stays, complete and unchanged; no
#                                          temporary file left; samples go on; once space
#                                          is freed the new counts are written
#   state directory on a read-only         runs in degraded mode; status says "state file
#   filesystem (root only)                 not writable (...Read-only file system)"
# The mounts live in a private mount namespace (unshare -m), so a test that is
# killed leaves none behind.
set -u

# shellcheck source=tests/daemon/lib.sh
. "${top_srcdir:-.}/tests/daemon/lib.sh"
need_tools jq
need_daemon
# Root: run again in a private mount namespace, where the tmpfs cases can mount.
if [ "$(id -u)" -eq 0 ] && [ -z "${TLBISO_FAULTS_NS:-}" ] && command -v unshare >/dev/null &&
	unshare -m --propagation private true 2>/dev/null; then
	TLBISO_FAULTS_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
can_mount=no
if [ -n "${TLBISO_FAULTS_NS:-}" ]; then
	can_mount=yes
fi

tl_tmpdir tlbisod-outfaults
# the mounts go once the daemon is stopped
cleanup_more() {
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	umount "$tmp/full" "$tmp/rostate" 2>/dev/null
}

# advanced N: the daemon took N more samples from now on.
advanced() {
	local s0
	s0=$(jqs .samples)
	wait_for ".samples >= $((s0 + $1))"
}
# note_has TEXT: a note of status contains TEXT.
note_has() { wait_for "[.notes[] | select(contains(\"$1\"))] != []"; }
no_note() { wait_for "[.notes[] | select(contains(\"$1\"))] == []"; }
# count_log TEXT: lines of the log with TEXT.
count_log() { grep -cF "$1" "$tmp/daemon.log"; }
# no_temp DIR: nothing but the textfile (and the filler) in DIR.
no_temp() { [ -z "$(ls -A "$1" | grep -vxE 'tlbiso\.prom|fill')" ]; }

# start PROM STATE: the daemon with this textfile and state dir.
start() {
	cat >"$conf" <<EOF
monitor = { interval_ms = 100; window = 4; clear_after = 3; baseline_samples = 0; };
alerts = { prometheus_textfile = "$1"; };
EOF
	state=$2 start_daemon --sysroot "$sys"
	wait_for '.samples >= 1'
}
# stop: SIGTERM; a run that does not exit 0 (memcheck's 99 included) is counted.
bad_stops=0
stop() { stop_daemon || bad_stops=$((bad_stops + 1)); }

make_sysroot

# --- the textfile's directory is missing at start, then appears, then goes
pdir=$tmp/promdir prom=$tmp/promdir/tlbiso.prom
start "$prom" "$state"
advanced 3
check "textfile directory missing: the daemon runs and samples" [ $? -eq 0 ]
check "... the cause is in status notes" note_has "cannot create a temporary file: No such file or directory"
check "... and logged once, not at every interval" \
	[ "$(count_log "prometheus textfile: $prom: cannot create a temporary file: No such file or directory")" = 1 ]
mkdir "$pdir"
check "... the directory created: the textfile is written" \
	wait_for_line "$prom" 'tlbiso_deferral_expected 0'
grep -q 'prometheus textfile written again' "$tmp/daemon.log" && no_note "cannot create a temporary file"
check "... 'written again' is logged and the note is gone" [ $? -eq 0 ]
# rename first: the daemon may be creating its temporary file in it as rm walks it
mv "$pdir" "$tmp/gone" && rm -rf "$tmp/gone"
TLB[2]=$((TLB[2] + 3))
write_interrupts
note_has "cannot create a temporary file: No such file or directory"
check "textfile directory removed while running: said in notes again" [ $? -eq 0 ]
check "... logged again (a new failure after a recovery)" \
	[ "$(count_log "cannot create a temporary file: No such file or directory")" = 2 ]
mkdir "$pdir"
check "... recreated: the textfile is back, with the events made meanwhile" \
	wait_for_line "$prom" "$(tlb_total 2 3)"
stop

# --- the textfile's filesystem is full
if [ $can_mount = yes ] && mkdir "$tmp/full" && mount -t tmpfs -o size=16k,mode=0755 tmpfs "$tmp/full"; then
	prom=$tmp/full/tlbiso.prom
	start "$prom" "$state"
	wait_for_line "$prom" 'tlbiso_deferral_expected 0'
	cp "$prom" "$tmp/before.prom"
	# fill it (dd stops at ENOSPC), then give the daemon something new to write:
	# an unchanged textfile is not rewritten, so a full disk alone goes unseen
	dd if=/dev/zero of="$tmp/full/fill" bs=1k 2>/dev/null
	TLB[3]=$((TLB[3] + 5))
	write_interrupts
	note_has "No space left on device"
	check "textfile filesystem full: the failure is in status notes" [ $? -eq 0 ]
	check "... and logged" grep -q "prometheus textfile: $prom: .*No space left on device" "$tmp/daemon.log"
	advanced 5
	check "... samples go on while the disk is full" [ $? -eq 0 ]
	check "... the previous textfile stays, unchanged (not the new count)" cmp -s "$prom" "$tmp/before.prom"
	check "... and complete (ends with tlbiso_build_info)" \
		bash -c "tail -1 '$prom' | grep -q '^tlbiso_build_info{version=\".*\"} 1\$'"
	check "... no temporary or partial file is left in the directory" no_temp "$tmp/full"
	rm -f "$tmp/full/fill"
	check "space freed: the new counts are written" wait_for_line "$prom" "$(tlb_total 3 5)"
	no_note "No space left on device" && no_temp "$tmp/full"
	check "... the note is gone and no temporary file is left" [ $? -eq 0 ]
	stop
	umount "$tmp/full"
else
	skip_n 8 "needs root and tmpfs mounts (mount -t tmpfs) for a full filesystem"
fi

# --- the state directory is on a read-only filesystem
if [ $can_mount = yes ] && mkdir "$tmp/rostate" && mount -t tmpfs -o ro,size=16k tmpfs "$tmp/rostate"; then
	start "$tmp/promdir/tlbiso.prom" "$tmp/rostate"
	check "state directory read-only: degraded mode, said in status notes" \
		wait_for '.state == "degraded" and ([.notes[] | select(startswith("state file not writable") and contains("Read-only file system"))] | length == 1)'
	check "... logged at start" grep -q "degraded: state file not writable: .*Read-only file system" "$tmp/daemon.log"
	advanced 3
	check "... and the daemon samples on" [ $? -eq 0 ]
	stop
	umount "$tmp/rostate"
else
	skip_n 3 "needs root and tmpfs mounts for a read-only state directory"
fi

check "every daemon run stopped with exit 0 at SIGTERM" [ $bad_stops -eq 0 ]

show_log_on_failure
exit 0
