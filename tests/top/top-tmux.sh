#!/usr/bin/env bash
# tlbisoctl top on a real terminal (a detached tmux pane): the rows of the
# chosen CPUs appear, a resize is survived, 'q' quits with status 0. On a pipe
# it prints one line per interval.
set -u

bld=${top_builddir:-.}
ctl=$(cd "$bld" && pwd)/cli/tlbisoctl
tlbisod=$(cd "$bld" && pwd)/daemon/tlbisod
tmp=$(mktemp -d)
sock=tlbiso-top-test-$$
dpid=
trap 'tmux -L $sock kill-server 2>/dev/null; [ -n "$dpid" ] && kill $dpid; rm -rf "$tmp"' EXIT

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux not installed"; exit 0; }
[ -r /proc/interrupts ] || { echo "1..0 # SKIP /proc/interrupts unreadable"; exit 0; }
[ "$(nproc)" -ge 2 ] || { echo "1..0 # SKIP needs 2 CPUs"; exit 0; }
last=$(($(nproc) - 1))

n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else notok "$d"; fi; }

# Wait until the pane shows a row for every CPU in 0..last (a number, then rates).
wait_rows() {
	local i cpu missing
	for i in $(seq 100); do
		tmux -L $sock capture-pane -p -t top >"$tmp/pane" 2>/dev/null
		missing=0
		for cpu in $(seq 0 $last); do
			grep -Eq "^ +$cpu +[0-9.]+ " "$tmp/pane" || missing=1
		done
		[ $missing -eq 0 ] && grep -q 'CPU.*TLB/s.*CAL/s.*RES/s.*LOC/s.*IWI/s.*IRQ/s' "$tmp/pane" &&
			return 0
		sleep 0.1
	done
	return 1
}

echo "1..7"
tmux -L $sock new-session -d -s top -x 120 -y 30 \
	"$ctl top --cpus 0-$last --interval 5000; echo \$? >$tmp/rc; sleep 30"
check "the rows of CPUs 0-$last and the column header are on screen" wait_rows
# The interval is long: only SIGWINCH can redraw within two seconds. Four
# lines leave room for one row, so the view must say the others are hidden.
tmux -L $sock resize-window -t top -x 90 -y 4 2>/dev/null ||
	tmux -L $sock resize-pane -t top -x 90 -y 4
for i in $(seq 20); do
	tmux -L $sock capture-pane -p -t top >"$tmp/small"
	grep -q "more CPUs" "$tmp/small" && break
	sleep 0.1
done
check "a resize (SIGWINCH) redraws at the new size at once" grep -q "$last more CPUs" "$tmp/small"
tmux -L $sock send-keys -t top q
for i in $(seq 50); do [ -s "$tmp/rc" ] && break; sleep 0.1; done
check "'q' quits with exit status 0" [ "$(cat "$tmp/rc" 2>/dev/null)" = 0 ]
tmux -L $sock capture-pane -p -t top >"$tmp/after"
check "the alternate screen is left (no rows after quitting)" \
	bash -c "! grep -Eq '^ +0 +[0-9.]+ ' '$tmp/after'"

# On a pipe: one line per interval, the initial baseline plus N.
"$ctl" top --cpus 0-$last --interval 100 --iterations 2 >"$tmp/lines" 2>"$tmp/err" </dev/null
rc=$?
check "a pipe gets 3 lines (baseline + 2 intervals), exit 0" \
	[ $rc -eq 0 -a "$(grep -c "cpu$last TLB=" "$tmp/lines")" -eq 3 ]
"$ctl" top --interval 10 >/dev/null 2>&1 </dev/null
check "--interval below 50 ms is a usage error (exit 2)" [ $? -eq 2 ]

# With tlbisod answering on its socket, the state column is its alert state
# for the CPU ("ok" or an alert type), not "-" as without a daemon.
mkdir -p "$tmp/run" "$tmp/state"
printf 'isolated_cpus = "%s";\nmonitor = { interval_ms = 200; };\n' "$last" >"$tmp/d.conf"
"$tlbisod" -f -c "$tmp/d.conf" --runtime-dir "$tmp/run" --state-dir "$tmp/state" \
	>"$tmp/d.log" 2>&1 &
dpid=$!
for i in $(seq 50); do [ -S "$tmp/run/tlbiso.sock" ] && break; sleep 0.1; done
"$ctl" top --cpus $last --interval 300 --iterations 1 --runtime-dir "$tmp/run" \
	>"$tmp/dlines" 2>&1 </dev/null
st=$(sed -n '$s/.* state=\([^ ]*\).*/\1/p' "$tmp/dlines")
echo "# state from the daemon: '$st'"
check "the daemon's state for CPU $last is shown" [ -n "$st" -a "$st" != "-" ]
