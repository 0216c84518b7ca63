#!/bin/sh
# The workload engine on this machine, driven like tlbisod's loop: a process
# started after the engine, matched by its comm, is pinned; threads it creates
# later follow the rule's "spread" layout; an unmatched process is left alone.
# The driver ticks only every ten minutes, so within the bounded waits below
# only the proc connector's events can have done the work.
set -u
# Tests that load or time CPU 1 (spinners, tracing, oslat) must not overlap
# under make -j: one would measure the other. flock waits for the previous.
exec 9>"${top_builddir:-.}/tests/cpu1.lock" && flock -w 300 9
bld=${top_builddir:-.}/tests/pin
n=0

skip() { echo "1..0 # SKIP $*"; exit 0; }
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; }
# Poll a condition for at most ten seconds: a bound, not a timing assertion.
wait_for() {
	tries=0
	while [ $tries -lt 100 ]; do
		eval "$1" && return 0
		sleep 0.1
		tries=$((tries + 1))
	done
	return 1
}
allowed() { sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "/proc/$1/task/$2/status" 2>/dev/null; }

[ "$(id -u)" -eq 0 ] || skip "needs root: the engine moves other processes (and the proc connector wants CAP_NET_ADMIN before Linux 6.6)"
[ -x "$bld/engine-driver" ] || skip "engine-driver not built"
cpus=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)
a=$(echo "$cpus" | sed 's/[-,].*//')
b=$((a + 1))
taskset -c "$b" true 2>/dev/null || skip "needs two usable CPUs ($a and $b)"

tmp=$(mktemp -d)
drv=
drv2=
pinme=
other=
busy=
cleanup() {
	for p in $pinme $other $busy; do kill "$p" 2>/dev/null; done
	for p in $drv $drv2; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

cat >"$tmp/tlbiso.conf" <<EOT
workloads = (
  { name = "pinme"; match = { comm = "^tlbiso-pinme\$"; }; cpus = "$a-$b"; threads = "spread"; }
);
EOT
${TLBISO_WRAP:-} "$bld/engine-driver" "$tmp/tlbiso.conf" "" 600000 >"$tmp/out" 2>&1 &
drv=$!
wait_for 'grep -q "^mode=" "$tmp/out"' || { cat "$tmp/out"; skip "engine driver did not start"; }
grep -q '^mode=events' "$tmp/out" || skip "proc connector unavailable: $(cat "$tmp/out")"
echo "1..8"

"$bld/tlbiso-pinme" "$tmp/go" 3 >"$tmp/tids" &
pinme=$!
if wait_for '[ "$(allowed $pinme $pinme)" = "$a" ]'; then
	ok "a process started after the engine is pinned (leader on CPU $a)"
else
	not_ok "leader $pinme not pinned: Cpus_allowed_list $(allowed $pinme $pinme)"
fi

sleep 600 &
other=$!
before=$(allowed $other $other)

touch "$tmp/go"
wait_for '[ "$(wc -l <"$tmp/tids")" -eq 3 ]'
# spread: in tid order, one CPU each, wrapping: a, b, a, b.
layout_ok() {
	k=0
	for t in $(ls "/proc/$pinme/task" | sort -n); do
		want=$a
		[ $((k % 2)) -eq 1 ] && want=$b
		[ "$(allowed $pinme $t)" = "$want" ] || return 1
		k=$((k + 1))
	done
	[ $k -eq 4 ]
}
if wait_for layout_ok; then
	ok "threads created later follow the spread layout over $a-$b"
else
	for t in $(ls "/proc/$pinme/task" | sort -n); do echo "# tid $t: $(allowed $pinme $t)"; done
	not_ok "threads created later are not spread"
fi
# Inherited affinity alone would leave every thread on CPU $a.
t2=$(ls "/proc/$pinme/task" | sort -n | sed -n 2p)
if [ "$(allowed $pinme "$t2")" = "$b" ]; then
	ok "the second thread was moved to CPU $b, not merely inherited"
else
	not_ok "second thread on $(allowed $pinme "$t2")"
fi

if [ "$(allowed $other $other)" = "$before" ]; then
	ok "an unmatched process started meanwhile is left alone"
else
	not_ok "unmatched process moved to $(allowed $other $other)"
fi

kill -USR1 "$drv"
if wait_for 'grep -q "^status .*\"pid\":$pinme" "$tmp/out"' &&
	[ "$(grep '^status' "$tmp/out" | tail -1 | grep -o '"tid":' | wc -l)" -eq 4 ]; then
	ok "status lists the workload with its four threads"
else
	sed 's/^/# /' "$tmp/out"
	not_ok "status does not list the workload"
fi

# Intruders: a second engine with no rules treats CPU $b as isolated and
# ticks every 200 ms. It runs on CPU $b itself, busy with its scans: its own
# process must never be reported. A busy loop bound to CPU $b must be.
kill -TERM "$drv" && wait "$drv" 2>/dev/null
drv=
echo "workloads = ();" >"$tmp/none.conf"
taskset -c "$b" ${TLBISO_WRAP:-} "$bld/engine-driver" "$tmp/none.conf" "$b" 200 >"$tmp/out2" 2>&1 &
drv2=$!
taskset -c "$b" sh -c 'while :; do :; done' &
busy=$!
if wait_for 'grep -q "^finding intruder pid=$busy cpu=$b " "$tmp/out2"'; then
	ok "a busy unmatched process on CPU $b is reported as an intruder"
else
	sed 's/^/# /' "$tmp/out2" | tail -5
	not_ok "busy process $busy not reported"
fi
kill "$busy" && wait "$busy" 2>/dev/null
busy=
if grep -q "^finding intruder pid=$drv2 " "$tmp/out2"; then
	not_ok "the engine reported its own process"
else
	ok "the engine never reports its own process"
fi
# Kernel threads have an empty command line; none may be among the findings.
kt=
for p in $(sed -n 's/^finding intruder pid=\([0-9]*\) .*/\1/p' "$tmp/out2" | sort -u); do
	[ -r "/proc/$p/cmdline" ] && [ -z "$(tr -d '\0' <"/proc/$p/cmdline")" ] &&
		grep -q '^[^ ]* ([^)]*) [A-Z] ' "/proc/$p/stat" && kt="$kt $p"
done
if [ -z "$kt" ]; then
	ok "no kernel thread is reported as an intruder"
else
	not_ok "kernel threads reported:$kt"
fi
