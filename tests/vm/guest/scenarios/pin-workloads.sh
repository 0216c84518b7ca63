# shellcheck shell=sh
# pin-workloads - tlbisod's workloads rules on CPUs 2-3 (isolated).
#
# A rule matching the comm "gen-threads" with threads = "spread" over 2-3:
# a process started after the daemon is pinned within one second; the
# threads it creates later are spread too (tid order: 2, 3, 2, 3); a busy
# process no rule matches, started with taskset -c 3, is an "intruder".
#
# Contract used: tlbisod accepts the workloads list; "tlbisoctl status
# --json" carries the engine's status (workload_engine_status_json) under
# "workloads" and findings as alerts of type "intruder" whose cpus hold the
# CPU. A daemon without the engine (no "workloads" in its status) skips.

# shellcheck source=../lib.sh
. /usr/lib/tlbiso-vm/lib.sh
# shellcheck source=../daemon.sh
. /usr/lib/tlbiso-vm/daemon.sh
need tlbisoctl tlbisod gen-threads gen-spin

allowed() { sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "/proc/$1/task/$2/status" 2>/dev/null; }

# The rule's layout: in tid order 2, 3, 2, 3 over all four threads.
spread_ok() {
	_k=0
	for _t in $(ls "/proc/$P/task" | sort -n); do
		_w=2
		[ $((_k % 2)) -eq 1 ] && _w=3
		[ "$(allowed "$P" "$_t")" = "$_w" ] || return 1
		_k=$((_k + 1))
	done
	[ "$_k" -eq 4 ]
}

leader_pinned() { [ "$(allowed "$P" "$P")" = 2 ]; }
has_workloads() { jq -e '.workloads' /tmp/status.json >/dev/null 2>&1; }

fresh_state
write_conf pin.conf 'monitor = { interval_ms = 250; };
workloads = (
	{ name = "pinme"; match = { comm = "^gen-threads$"; }; cpus = "2-3"; threads = "spread"; }
);'
if ! daemon_start /etc/tlbiso/pin.conf; then
	not_ok "tlbisod starts with a workloads rule"
	exit 0
fi
status /tmp/status.json
if ! has_workloads; then
	for d in "a process started after tlbisod is pinned" \
		"threads created later are spread over 2-3" "status lists the workload" \
		"a busy unmatched process on CPU 3 is an intruder" \
		"the intruder alert names CPU 3"; do
		skip "$d" "tlbisod status has no workloads (engine not wired yet)"
	done
	daemon_stop
	exit 0
fi

gen-threads /tmp/pin.go 3 60 >/tmp/pin.tids &
P=$!
# One second is the issue's target; timings are not asserted, so the gate
# is a bounded wait (10 s) and whether 1 s was met is a diagnostic.
t0=$(now_cs)
check "a process started after tlbisod is pinned" poll 10 20000 leader_pinned
dt=$(($(now_cs) - t0))
if [ "$dt" -le 100 ]; then met=met; else met=missed; fi
diag "pinned after ${dt}0 ms (target 1 s: $met)"
diag "leader $P on CPU(s) $(allowed "$P" "$P")"
touch /tmp/pin.go
check "threads created later are spread over 2-3" poll 5 50000 spread_ok
for t in $(ls "/proc/$P/task" | sort -n); do diag "tid $t: $(allowed "$P" "$t")"; done
status /tmp/status.json
export_file pin-workloads/status.json /tmp/status.json
check "status lists the workload with its four threads" \
	jqt --argjson p "$P" '[.. | objects | select(.pid? == $p) | .threads | length] | any(. == 4)' \
	/tmp/status.json

if command -v taskset >/dev/null 2>&1; then
	taskset -c 3 gen-spin 3 30 &
else
	gen-spin 3 30 &
fi
S=$!
check "a busy unmatched process on CPU 3 is an intruder" wait_alert intruder 5
status /tmp/status.json
check "the intruder alert names CPU 3" [ "$(alert_cpus /tmp/status.json intruder)" = "[3]" ]
stop_pid "$S"
stop_pid "$P"
daemon_stop
