#!/usr/bin/env bash
# tlbisoctl trace on the live kernel: a membarrier generator aimed at a thread
# spinning on CPU 1 must be named (pid, comm, callsite, callback, class) with a
# count within 10% of its calls; the private tracefs instance must be gone
# after a normal exit, after SIGINT, and stale ones must be cleaned up.
set -u
# Tests that load or time CPU 1 (spinners, tracing, oslat) must not overlap
# under make -j: one would measure the other. flock waits for the previous.
exec 9>"${top_builddir:-.}/tests/cpu1.lock" && flock -w 300 9

bld=${top_builddir:-.}
ctl=$bld/cli/tlbisoctl
wrap=${TLBISO_WRAP:-} # make check-valgrind runs tlbisoctl under memcheck
# The traced window: 2 s as a user would ask; memcheck needs longer to arm and read.
dur=2 armwait=400
[ -n "$wrap" ] && dur=15 armwait=1200
gen=$bld/tests/gen/gen-membarrier
tfs=/sys/kernel/tracing
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

skip() { echo "1..0 # SKIP $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "needs root (tracefs, kallsyms)"
command -v jq >/dev/null || skip "jq not installed"
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
if [ ! -d $tfs/instances ]; then
	mount -t tracefs nodev $tfs 2>/dev/null || skip "tracefs cannot be mounted"
fi
[ -d $tfs/events/ipi/ipi_send_cpumask ] || skip "no ipi tracepoints (kernel < 6.4)"

n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else notok "$d"; fi; }

# Wait until the instance of trace process $1 has its events enabled.
wait_armed() {
	local f=$tfs/instances/tlbiso-$1/events/ipi/ipi_send_cpumask/enable i
	for i in $(seq $armwait); do
		[ "$(cat "$f" 2>/dev/null)" = 1 ] && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# no_instances PID: the instance of that trace process is gone. Instances of
# other live tlbiso processes (a daemon, a parallel test run) are not ours.
no_instances() { [ ! -e "$tfs/instances/tlbiso-$1" ]; }

echo "1..12"

# 1-6: the generator runs a fixed count entirely inside the traced window.
$wrap "$ctl" trace --cpus 1 --duration $dur --json >"$tmp/out.json" 2>"$tmp/err" &
tpid=$!
if wait_armed $tpid; then
	"$gen" -n 2000 -t 1 -s 0 -l 3 >"$tmp/gen.out" &
	gpid=$!
fi
wait $tpid
rc=$?
[ -n "${gpid:-}" ] && wait "$gpid"
check "trace exits 0" [ $rc -eq 0 ]
check "schema tlbiso.trace/1, sender path" \
	[ "$(jq -r '.schema + " " + .kernel_path' "$tmp/out.json" 2>/dev/null)" = "tlbiso.trace/1 sender" ]
read -r gp gc calls rt ms < <(sed -E 's/pid=([0-9]+) comm=([^ ]+) calls=([0-9]+) rt=([01]) ms=([0-9]+)/\1 \2 \3 \4 \5/' "$tmp/gen.out")
q='[.entries[] | select(.sender.pid == $p and .target_cpu == 1)]'
got=$(jq --argjson p "${gp:-0}" "$q | map(.count) | add // 0" "$tmp/out.json" 2>/dev/null)
named=$(jq -r --argjson p "${gp:-0}" "$q | .[0] | .sender.comm + \" \" + .class + \" \" + .callback + \" \" + .callsite" "$tmp/out.json" 2>/dev/null)
lost=$(jq .lost "$tmp/out.json" 2>/dev/null)
echo "# generator: pid=${gp:-?} comm=${gc:-?} calls=${calls:-?} rt=${rt:-?} in ${ms:-?} ms;" \
	"traced: $got ($named), lost ${lost:-?}"
check "the generator is named by pid and comm" [ "${named%% *}" = "${gc:-none}" ]
case "$named" in
*" membarrier ipi_mb membarrier_"*) ok "class membarrier, callback ipi_mb, membarrier callsite" ;;
*) notok "class membarrier, callback ipi_mb, membarrier callsite" ;;
esac
if [ "${rt:-0}" = 1 ]; then
	check "count $got within 10% of ${calls:-?} calls" \
		[ "$got" -ge $((calls * 9 / 10)) -a "$got" -le $((calls * 11 / 10)) ]
else
	ok "# SKIP spinner could not be SCHED_FIFO: membarrier reaches it only when it runs"
fi
check "no tlbiso-* instance left after exit" no_instances "$tpid"

# 7-8: the older kernels' path (forced here): call-function IPIs counted on the
# receiving CPU, no sender (that side cannot say), never more than arrived.
if [ -n "$wrap" ]; then
	# Under memcheck a receiver-side run takes minutes (not yet profiled).
	ok "# SKIP receiver side under memcheck"
	ok "# SKIP receiver side under memcheck"
else
	cal1() { awk '$1 == "CAL:" { print $3 }' /proc/interrupts; }
	cal_before=$(cal1)
	$wrap "$ctl" trace --cpus 1 --duration $dur --json --receiver-side >"$tmp/rx.json" 2>"$tmp/rx.err" &
	tpid=$!
	f=$tfs/instances/tlbiso-$tpid/events/irq_vectors/call_function_single_entry/enable
	for i in $(seq $armwait); do [ "$(cat "$f" 2>/dev/null)" = 1 ] && break; sleep 0.05; done
	"$gen" -n 2000 -t 1 -s 0 -l 0 >"$tmp/gen2.out"
	wait $tpid
	rc=$?
	cal_after=$(cal1)
	rx=$(jq '[.entries[] | select(.target_cpu == 1 and .class == "other")] | map(.count) | add // 0' \
		"$tmp/rx.json" 2>/dev/null)
	named=$(jq '[.entries[] | select(.class == "other" and .sender.pid != null)] | length' \
		"$tmp/rx.json" 2>/dev/null)
	echo "# receiver side: $rx call-function IPIs on CPU 1, CAL moved $((cal_after - cal_before))"
	check "receiver side: exit 0, kernel_path receiver, no sender claimed" \
		[ $rc -eq 0 -a "$(jq -r .kernel_path "$tmp/rx.json" 2>/dev/null)" = receiver -a "$named" = 0 ]
	check "receiver side: 2000 calls seen ($rx), at most the CAL that arrived" \
		[ "${rx:-0}" -ge 1800 -a "${rx:-0}" -le $((cal_after - cal_before)) ]

fi

# SIGINT ends tracing early, still reports and removes the instance.
$wrap "$ctl" trace --cpus 1 --duration 60 >"$tmp/int.out" 2>&1 &
tpid=$!
wait_armed $tpid && kill -INT $tpid
wait $tpid
rc=$?
sigint_ok() { [ $rc -eq 0 ] && grep -q '^IPIs to CPUs 1' "$tmp/int.out" && no_instances "$tpid"; }
check "SIGINT: exit 0, table printed, instance removed" sigint_ok

# An instance left armed by a process killed with SIGKILL is removed at the next start.
$wrap "$ctl" trace --cpus 1 --duration 60 >/dev/null 2>&1 &
dead=$!
wait_armed $dead && kill -KILL $dead
wait $dead 2>/dev/null
left=no
[ -d $tfs/instances/tlbiso-$dead ] && left=yes
$wrap "$ctl" trace --cpus 1 --duration 0.1 >/dev/null 2>&1
check "instance of a SIGKILLed trace (left: $left) removed by the next run" \
	[ $left = yes -a ! -d $tfs/instances/tlbiso-$dead ]

# 9: usage errors exit 2 and change nothing.
$wrap "$ctl" trace --cpus 1 --duration bogus >/dev/null 2>&1
rc=$?
check "bad --duration exits 2" [ $rc -eq 2 ]

# 12: arming must not resize the ring buffer: a resize queues update_pages
# work on every online CPU, isolated ones included. A private instance of our
# own records the work queued meanwhile, by whom: only this trace's counts,
# as other tracers may run on the machine.
wq=$tfs/instances/wqwatch-$$
if mkdir "$wq" 2>/dev/null && echo 1 >"$wq/events/workqueue/workqueue_queue_work/enable"; then
	$wrap "$ctl" trace --cpus 1 --duration 0.2 >/dev/null 2>&1 &
	tpid=$!
	wait $tpid
	rc=$?
	echo 0 >"$wq/events/workqueue/workqueue_queue_work/enable"
	resizes=$(grep -E -- "-$tpid +\[" "$wq/trace" | grep -c update_pages_handler)
	rmdir "$wq"
	check "arming queues no ring-buffer resize work ($resizes), trace exit $rc" \
		[ $rc -eq 0 -a "$resizes" -eq 0 ]
else
	rmdir "$wq" 2>/dev/null
	ok "# SKIP no workqueue tracepoints"
fi
