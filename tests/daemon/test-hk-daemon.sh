#!/bin/bash
# Housekeeping through the real tlbisod on a sysroot whose plain files stand
# in for /proc/irq, /proc/sys and /sys: apply at start (values changed, the
# journal written), a drifted IRQ moved back, SIGTERM restoring every value
# byte for byte, kill -9 then a restart that restores first and applies
# again, a refused reload keeping the housekeeping in force, and the
# `restore` control command. Speaks TAP. Never asserts a time: it polls
# (bounded) and compares files.
set -u

# shellcheck source=tests/daemon/lib.sh
. "${top_srcdir:-.}/tests/daemon/lib.sh"
need_tools jq python3
need_daemon
tl_tmpdir tlbisod-hk
journal=$run/restore.journal
cleanup_signal=9
wait_s=10

put() { mkdir -p "$(dirname "$sys/$1")"; printf '%b' "$2" >"$sys/$1"; }
# The 4-CPU sysroot of the daemon tests, plus the files housekeeping writes.
make_hk_sysroot() {
	local irq
	make_sysroot
	for irq in 24 25 26 27; do
		put "proc/irq/$irq/smp_affinity_list" '0-3\n'
	done
	put proc/irq/default_smp_affinity 'f\n'
	put sys/devices/virtual/workqueue/cpumask '0000000f\n'
	put proc/sys/kernel/watchdog_cpumask '0-3\n'
	put proc/sys/vm/stat_interval '1\n'
}

write_conf() {
	cat >"$conf" <<EOF
monitor = { interval_ms = 100; baseline_samples = 0; };
housekeeping = {
	apply = true;
	irq_affinity = true;
	workqueue_cpumask = true;
	watchdog_cpumask = true;
	stat_interval = true;
	kthreads = false;
};
${1:-}
EOF
}

# wait_file FILE CONTENT: poll until FILE holds CONTENT (bounded like wait_for).
wait_file() {
	local i
	for i in $(seq 100); do
		[ "$(cat "$1" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
same_as_orig() { diff -r "$tmp/orig" "$sys" >/dev/null; }

make_hk_sysroot
mkdir -p "$state"
write_conf
# proc/interrupts is the one file the daemon tests rewrite; keep it out of the comparison.
cp -a "$sys" "$tmp/orig"

echo "1..16"

start_daemon --sysroot "$sys"
check "the daemon starts and applies" wait_for '.housekeeping.applied == true'
check "an IRQ's affinity is moved to the housekeeping CPUs" \
	test "$(cat "$sys/proc/irq/24/smp_affinity_list")" != "0-3"
check "the restore journal is written" test -s "$journal"
check "status counts the changes" wait_for '.housekeeping.changes > 0'
hk_irq=$(cat "$sys/proc/irq/24/smp_affinity_list")

# Someone moves IRQ 25 back onto the isolated CPUs: the slow tick moves it off again.
echo 0-3 >"$sys/proc/irq/25/smp_affinity_list"
check "a drifted IRQ is moved back" wait_file "$sys/proc/irq/25/smp_affinity_list" "$hk_irq"
check "status counts the drift" wait_for '.housekeeping.drift_events > 0'

# A refused reload keeps the old config, and the housekeeping stays in force.
write_conf 'housekeeping_typo = 1;'
kill -HUP "$dpid"
if wait_for '.last_reload_error != null' && wait_for '.housekeeping.applied == true' &&
	[ "$(cat "$sys/proc/irq/24/smp_affinity_list")" = "$hk_irq" ]; then
	ok "a refused reload keeps the housekeeping in force"
else
	not_ok "a refused reload keeps the housekeeping in force" "$(status | jq -c .housekeeping)"
fi

# A valid reload restores, then applies the new config: stat_interval off is put back.
hk_stat=$(cat "$sys/proc/sys/vm/stat_interval")
write_conf
sed -i 's/stat_interval = true/stat_interval = false/' "$conf"
kill -HUP "$dpid"
if wait_file "$sys/proc/sys/vm/stat_interval" 1 && wait_for '.housekeeping.applied == true' &&
	[ "$(cat "$sys/proc/irq/24/smp_affinity_list")" = "$hk_irq" ]; then
	ok "a valid reload puts back a knob switched off and keeps the others"
else
	not_ok "a valid reload puts back a knob switched off and keeps the others" \
		"stat_interval $(cat "$sys/proc/sys/vm/stat_interval")" "$(status | jq -c .housekeeping)"
fi
write_conf
kill -HUP "$dpid"
check "a reload switching it on again applies it" \
	wait_file "$sys/proc/sys/vm/stat_interval" "$hk_stat"

if stop_daemon && same_as_orig && [ ! -e "$journal" ]; then
	ok "SIGTERM restores every value byte for byte and removes the journal"
else
	not_ok "SIGTERM restores every value byte for byte and removes the journal" \
		"$(diff -r "$tmp/orig" "$sys" | head -5)"
fi

# kill -9 while applied, then a restart: the leftover journal is replayed first.
start_daemon --sysroot "$sys"
wait_for '.housekeeping.applied == true'
kill -9 "$dpid"
wait "$dpid" 2>/dev/null
dpid=
check "kill -9 leaves the journal behind" test -s "$journal"
start_daemon --sysroot "$sys"
check "the restart applies again" wait_for '.housekeeping.applied == true'
if grep -q "replayed a journal left by a crash" "$tmp/daemon.log"; then
	ok "the restart replayed the leftover journal first (logged)"
else
	not_ok "the restart replayed the leftover journal first (logged)" "$(tail -5 "$tmp/daemon.log")"
fi

# The restore command: everything back, and apply off until the next reload.
# The control protocol by hand (one JSON line each way), as tlbisoctl speaks it.
out=$(python3 -c 'import socket,sys
s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b"{\"v\":1,\"cmd\":\"restore\"}\n"); print(s.makefile().readline().strip())' \
	"$run/tlbiso.sock" 2>&1)
if echo "$out" | jq -e '.ok == true' >/dev/null 2>&1 && wait_for '.housekeeping.applied == false' &&
	same_as_orig && [ ! -e "$journal" ]; then
	ok "the restore command puts everything back"
else
	not_ok "the restore command puts everything back" "reply: $out"
fi
kill -HUP "$dpid"
check "a reload after restore applies again" wait_for '.housekeeping.applied == true'

if stop_daemon && same_as_orig && [ ! -e "$journal" ]; then
	ok "the second SIGTERM restores everything too"
else
	not_ok "the second SIGTERM restores everything too" "$(diff -r "$tmp/orig" "$sys" | head -5)"
fi
if [ "$n" -ne 16 ]; then
	echo "# ran $n points"
fi
grep -q "housekeeping restore:" "$tmp/daemon.log" || echo "# no restore summary logged"
