#!/bin/bash
# Workloads through the real tlbisod on this machine (root only): CPU 1 is
# "isolated" by the config, CPU 0 is housekeeping. A process started after
# the daemon, matched by its comm, is pinned and listed in status; an
# unmatched busy process bound to CPU 1 raises the intruder alert naming its
# pid and comm, which stops naming it once it is gone. Speaks TAP; never asserts a
# time (bounded polls only).
set -u
# Tests that load or time CPU 1 (spinners, tracing, oslat) must not overlap
# under make -j: one would measure the other. flock waits for the previous.
exec 9>"${top_builddir:-.}/tests/cpu1.lock" && flock -w 300 9

# shellcheck source=tests/daemon/lib.sh
. "${top_srcdir:-.}/tests/daemon/lib.sh"
pinme=$builddir/tests/pin/tlbiso-pinme
wait_s=15

[ "$(id -u)" -eq 0 ] || skip_all "needs root: the daemon moves other processes"
need_tools jq
need_daemon
[ -x "$pinme" ] || skip_all "tlbiso-pinme not built"
taskset -c 0 true 2>/dev/null && taskset -c 1 true 2>/dev/null || skip_all "needs CPUs 0 and 1"

tl_tmpdir tlbisod-wl
pid= spin=
# the test's own processes go first
cleanup_more() {
	for p in $pid $spin; do kill "$p" 2>/dev/null; done
}
allowed() { sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null; }

mkdir -p "$state"
# Our own comm: tests/pin/test-engine-live.sh may run at the same time with a
# rule for tlbiso-pinme (the comm is the file name).
cp "$pinme" "$tmp/tlbiso-wlpin"
pinme=$tmp/tlbiso-wlpin
cat >"$conf" <<EOF
isolated_cpus = "1";
housekeeping_cpus = "0";
monitor = { interval_ms = 100; baseline_samples = 0; clear_after = 2; };
workloads = (
	{ name = "pinme"; match = { comm = "^tlbiso-wlpin\$"; }; cpus = "1"; }
);
EOF

start_daemon
if ! wait_for '.workloads != null'; then
	echo "1..0 # SKIP the daemon did not start: $(tail -3 "$tmp/daemon.log" | tr '\n' ' ')"
	exit 0
fi
echo "1..8"

"$pinme" "$tmp/go" 1 >/dev/null &
pid=$!
if wait_for "[.workloads.workloads[]? | select(.pid == $pid)] | length == 1" &&
	[ "$(allowed "$pid")" = 1 ]; then
	ok "a process started after the daemon is pinned and listed in status"
else
	not_ok "a process started after the daemon is pinned and listed in status" \
		"allowed: $(allowed "$pid")" "$(status | jq -c .workloads)"
fi
touch "$tmp/go"
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
pid=

# An unmatched busy process bound to the isolated CPU: an intruder.
cp "$(command -v bash)" "$tmp/tlbiso-spin"
taskset -c 1 "$tmp/tlbiso-spin" -c 'while :; do :; done' &
spin=$!
alert=".alerts[]? | select(.type == \"intruder\")"
# Other tasks may run on CPU 1 of a machine that is not really isolated:
# look for this one in the intruders list, and the alert on CPU 1.
mine=".intruders[]? | select(.pid == $spin and .comm == \"tlbiso-spin\" and .cpu == 1)"
if wait_for "([$mine] | length == 1) and ([$alert] | length == 1)"; then
	ok "a busy unmatched process on the isolated CPU raises intruder"
else
	not_ok "a busy unmatched process on the isolated CPU raises intruder" "$(status | jq -c .alerts)"
fi
a=$(status | jq -c "[$alert][0]")
if echo "$a" | jq -e '.remedy | test("pid [0-9]+ \\([^)]*\\) on CPU 1")' >/dev/null; then
	ok "the intruder alert names the pids and comms"
else
	not_ok "the intruder alert names the pids and comms" "$a"
fi
if echo "$a" | jq -e '.cpus == [1] and .source == "task" and .severity == "warning"' >/dev/null; then
	ok "the intruder alert is a warning from source task on CPU 1"
else
	not_ok "the intruder alert is a warning from source task on CPU 1" "$a"
fi
if grep -q "intruder: pid $spin (tlbiso-spin) runs on isolated CPU 1" "$tmp/daemon.log"; then
	ok "the intruder is logged"
else
	not_ok "the intruder is logged" "$(grep intruder "$tmp/daemon.log" | head -3)"
fi
kill "$spin"
wait "$spin" 2>/dev/null
spin=
# Other tasks may run on CPU 1 of a machine that is not really isolated, so
# the alert itself may stay: the gone task must no longer be named.
if wait_for "([$mine] | length == 0) and ([$alert | select(.remedy | contains(\"pid $spin \"))] | length == 0)"; then
	ok "the intruder alert forgets the task once it is gone"
else
	not_ok "the intruder alert forgets the task once it is gone" "$(status | jq -c .alerts)"
fi

# After a reload the rebuilt engine still gets process events.
kill -HUP "$dpid"
for i in $(seq 100); do
	grep -q "configuration reloaded" "$tmp/daemon.log" && break
	sleep 0.1
done
"$pinme" "$tmp/go2" 1 >/dev/null &
pid=$!
if wait_for "[.workloads.workloads[]? | select(.pid == $pid)] | length == 1" &&
	[ "$(allowed "$pid")" = 1 ]; then
	ok "after a reload a new process is still pinned"
else
	not_ok "after a reload a new process is still pinned" "allowed: $(allowed "$pid")" \
		"$(status | jq -c .workloads)" "$(tail -5 "$tmp/daemon.log")"
fi
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
pid=

# A clean stop (under make check-valgrind: memcheck found nothing).
stop_daemon
rc=$?
if [ "$rc" -eq 0 ]; then
	ok "SIGTERM stops the daemon cleanly"
else
	not_ok "SIGTERM stops the daemon cleanly" "exit status $rc" "$(tail -5 "$tmp/daemon.log")"
fi
