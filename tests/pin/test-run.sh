#!/bin/sh
# tlbisoctl run on this machine: affinity, scheduling policy, NUMA policy,
# capabilities, and the exit statuses of env(1). CPUs here are usually not
# isolated, so most cases pass --force; the refusal itself is tested too.
set -u
# Tests that load or time CPU 1 (spinners, tracing, oslat) must not overlap
# under make -j: one would measure the other. flock waits for the previous.
exec 9>"${top_builddir:-.}/tests/cpu1.lock" && flock -w 300 9
ctlbin=${top_builddir:-.}/cli/tlbisoctl
# Under "make check-valgrind" TLBISO_WRAP runs our binary under memcheck.
ctl() { ${TLBISO_WRAP:-} "$ctlbin" "$@"; }
n=0
out=$(mktemp)
tmp=$(mktemp -d)
trap 'rm -rf "$out" "$tmp"' EXIT

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; sed 's/^/# /' "$out" | head -20; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $*"; }
# check DESCRIPTION COMMAND...: one TAP point, the command's output kept in $out.
check() {
	d=$1
	shift
	if "$@" >"$out" 2>&1; then ok "$d"; else not_ok "$d"; fi
}
field() { sed -n "s/^$1:[[:space:]]*//p" "$out"; }

[ -x "$ctlbin" ] || { echo "1..0 # SKIP tlbisoctl not built"; exit 0; }
# The last CPU this test may use, and whether it is isolated.
cpu=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status | sed 's/.*[-,]//')
isolated=$(cat /sys/devices/system/cpu/isolated /sys/devices/system/cpu/nohz_full 2>/dev/null)
root=no
[ "$(id -u)" -eq 0 ] && root=yes
echo "1..24"

ctl run --force --cpus "$cpu" -- grep Cpus_allowed_list /proc/self/status >"$out" 2>&1
[ "$(field Cpus_allowed_list)" = "$cpu" ] && ok "--cpus $cpu: the command runs on CPU $cpu" ||
	not_ok "--cpus $cpu: $(field Cpus_allowed_list)"

if [ -z "$isolated" ]; then
	ctl run --cpus "$cpu" -- true >"$out" 2>&1
	rc=$?
	[ $rc -eq 125 ] && grep -q "CPU $cpu: not isolated.*--force" "$out" &&
		ok "a CPU that is not isolated is refused without --force (125)" ||
		not_ok "not-isolated CPU: exit $rc"
else
	skip "this machine isolates $isolated"
fi

ctl run --force --cpus 4095 -- true >"$out" 2>&1
rc=$?
[ $rc -eq 125 ] && grep -q "CPU 4095: offline" "$out" &&
	ok "an offline CPU is refused even with --force (125)" || not_ok "offline CPU: exit $rc"

if ctl run --force --cpus "$cpu" --fifo 10 -- cat /proc/self/sched >"$out" 2>&1; then
	[ "$(sed -n 's/^policy[[:space:]]*:[[:space:]]*//p' "$out")" = 1 ] &&
		[ "$(sed -n 's/^prio[[:space:]]*:[[:space:]]*//p' "$out")" = 89 ] &&
		ok "--fifo 10: /proc/self/sched shows policy 1 (SCHED_FIFO), prio 89 (99 - 10)" ||
		not_ok "--fifo 10 not in /proc/self/sched"
	ctl run --force --cpus "$cpu" --rr 5 -- sh -c 'chrt -p $$' >"$out" 2>&1
	grep -q "SCHED_RR" "$out" && grep -q "priority: 5" "$out" &&
		ok "--rr 5: chrt -p shows SCHED_RR priority 5" || not_ok "--rr 5 not in chrt -p"
else
	skip "SCHED_FIFO not permitted here: $(head -1 "$out")"
	skip "SCHED_RR not permitted here"
fi
ctl run --force --cpus "$cpu" --other -- sh -c 'chrt -p $$' >"$out" 2>&1
grep -q "SCHED_OTHER" "$out" && ok "--other: SCHED_OTHER" || not_ok "--other"
ctl run --force --cpus "$cpu" --fifo 100 -- true >"$out" 2>&1
[ $? -eq 125 ] && grep -q "out of range 1..99" "$out" && ok "--fifo 100 is out of range (125)" ||
	not_ok "--fifo 100"

# NUMA: numa_maps shows the task policy for mappings without their own. This
# machine may have a single node: then the node list is "0", but the policy
# kind still proves the call was made.
node=$(ls -d /sys/devices/system/node/node* 2>/dev/null | head -1 | sed 's/.*node//')
if [ -r /proc/self/numa_maps ] && [ -n "$node" ]; then
	ctl run --force --cpus "$cpu" --numa "$node" -- cat /proc/self/numa_maps >"$out" 2>&1
	grep -q " bind:$node " "$out" && ok "--numa $node: numa_maps shows bind:$node" ||
		not_ok "--numa $node"
	ctl run --force --cpus "$cpu" --numa interleave -- cat /proc/self/numa_maps >"$out" 2>&1
	grep -q " interleave:" "$out" && ok "--numa interleave: numa_maps shows interleave" ||
		not_ok "--numa interleave"
	# The node directory of a CPU holds a cpuN link to it.
	lnode=$(for d in /sys/devices/system/node/node*; do [ -e "$d/cpu$cpu" ] && echo "${d##*node}"; done)
	ctl run --force --cpus "$cpu" --numa local -- cat /proc/self/numa_maps >"$out" 2>&1
	grep -q " bind:$lnode " "$out" && ok "--numa local: bound to node $lnode, the node of CPU $cpu" ||
		not_ok "--numa local"
	ctl run --force --cpus "$cpu" --numa 63 -- true >"$out" 2>&1
	[ $? -eq 125 ] && grep -q "no such node" "$out" && ok "--numa 63: no such node (125)" ||
		not_ok "--numa 63"
else
	for i in 1 2 3 4; do skip "no NUMA in this kernel"; done
fi

if [ $root = yes ]; then
	ctl run --force --cpus "$cpu" -- grep ^Cap /proc/self/status >"$out" 2>&1
	[ "$(field CapEff)" = 0000000000000000 ] && [ "$(field CapPrm)" = 0000000000000000 ] &&
		[ "$(field CapAmb)" = 0000000000000000 ] &&
		ok "root: every capability dropped (CapEff, CapPrm, CapAmb 0)" ||
		not_ok "root: capabilities left"
	ctl run --force --cpus "$cpu" -- sh -c 'grep ^CapEff /proc/self/status' >"$out" 2>&1
	[ "$(field CapEff)" = 0000000000000000 ] &&
		ok "root: a program the workload runs does not regain them (SECBIT_NOROOT)" ||
		not_ok "root: regained at the second exec"
	ctl run --force --cpus "$cpu" --keep-caps cap_sys_nice -- sh -c 'grep ^Cap /proc/self/status' >"$out" 2>&1
	[ "$(field CapEff)" = 0000000000800000 ] && [ "$(field CapAmb)" = 0000000000800000 ] &&
		ok "root: --keep-caps cap_sys_nice keeps bit 23 only, across two execs" ||
		not_ok "root: --keep-caps cap_sys_nice"
else
	for i in 1 2 3; do skip "not root"; done
fi

# Non-root: a user holding CAP_SYS_NICE as an ambient capability.
if [ $root = yes ] && command -v setpriv >/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups "$ctlbin" --help >/dev/null 2>&1; then
	asuser="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=+sys_nice --ambient-caps=+sys_nice"
	$asuser ${TLBISO_WRAP:-} "$ctlbin" run --force --cpus "$cpu" -- grep ^Cap /proc/self/status >"$out" 2>&1
	[ "$(field CapEff)" = 0000000000000000 ] && [ "$(field CapAmb)" = 0000000000000000 ] &&
		ok "non-root: an ambient CAP_SYS_NICE is dropped" || not_ok "non-root: drop"
	$asuser ${TLBISO_WRAP:-} "$ctlbin" run --force --cpus "$cpu" --keep-caps cap_sys_nice -- grep ^Cap /proc/self/status >"$out" 2>&1
	[ "$(field CapEff)" = 0000000000800000 ] && ok "non-root: --keep-caps cap_sys_nice survives execve" ||
		not_ok "non-root: keep"
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-sys_nice \
		sh -c "ulimit -r 0; exec ${TLBISO_WRAP:-} $ctlbin run --force --cpus $cpu --fifo 10 -- true" >"$out" 2>&1
	[ $? -eq 125 ] && grep -q "RLIMIT_RTPRIO is 0 and CAP_SYS_NICE is not held" "$out" &&
		ok "non-root: --fifo 10 without RLIMIT_RTPRIO or CAP_SYS_NICE is refused (125)" ||
		not_ok "non-root: --fifo refusal"
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		${TLBISO_WRAP:-} "$ctlbin" run --force --cpus "$cpu" --keep-caps cap_sys_nice -- true >"$out" 2>&1
	[ $? -eq 125 ] && grep -q "cap_sys_nice is not held" "$out" &&
		ok "non-root: keeping a capability not held is refused (125)" || not_ok "non-root: keep not held"
else
	for i in 1 2 3 4; do skip "needs root and setpriv to act as another user"; done
fi

ctl run --force --cpus "$cpu" -- /nonexistent/cmd >"$out" 2>&1
[ $? -eq 127 ] && ok "a command not found exits 127" || not_ok "not found"
printf 'echo hi\n' >"$tmp/noexec" && chmod 644 "$tmp/noexec"
ctl run --force --cpus "$cpu" -- "$tmp/noexec" >"$out" 2>&1
[ $? -eq 126 ] && ok "a command that cannot be executed exits 126" || not_ok "not executable"
ctl run --force --cpus "$cpu" -- sh -c 'exit 7' >"$out" 2>&1
[ $? -eq 7 ] && ok "the command's own exit status is passed through" || not_ok "exit status"
ctl run --cpus "$cpu" --bogus -- true >"$out" 2>&1
[ $? -eq 125 ] && grep -q "Try 'tlbisoctl run --help'" "$out" && ok "a bad option exits 125" ||
	not_ok "bad option"
ctl run --force --cpus "$cpu" --one-cpu-per-thread -- true >"$out" 2>&1
[ $? -eq 0 ] && grep -q 'threads = "spread"' "$out" &&
	ok "--one-cpu-per-thread explains the layout and points to the daemon rules" ||
	not_ok "--one-cpu-per-thread"
ctl run --help >"$out" 2>/dev/null
[ $? -eq 0 ] && grep -q "^Usage:" "$out" && grep -q "^Exit status:" "$out" &&
	ok "--help on stdout, exit 0" || not_ok "--help"
