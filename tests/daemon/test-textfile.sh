#!/bin/bash
# The Prometheus textfile is rewritten when its content changed, and again
# when it has gone; an unchanged one is left alone (same inode: every write
# is a rename of a new file). Speaks TAP.
set -u

builddir=${top_builddir:-.}
srcdir=${top_srcdir:-.}
tlbisod=$builddir/daemon/tlbisod

tmp=$(mktemp -d /tmp/tlbiso-textfile.XXXXXX)
sys=$tmp/sysroot prom=$tmp/tlbiso.prom
dpid=
cleanup() {
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
# shellcheck source=tests/daemon/lib.sh
. "$srcdir/tests/daemon/lib.sh"
n=0
# ok DESCRIPTION COMMAND...: one TAP point.
ok() {
	local desc=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $desc"; else echo "not ok $n - $desc"; fi
}
# until_true COMMAND...: poll for up to 30 s.
until_true() {
	for _ in $(seq 300); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
# inode and mtime to the ns: a rename of a new file changes them
inode() { stat -c '%i %y' "$prom" 2>/dev/null; }
# samples: the daemon's sample count (its status has one "samples" key)
samples() {
	"$builddir/cli/tlbisoctl" status --json --runtime-dir "$tmp/run" 2>/dev/null |
		sed -n 's/^ *"samples": *\([0-9]*\).*/\1/p'
}
samples_at_least() {
	local s
	s=$(samples)
	[ -n "$s" ] && [ "$s" -ge "$1" ]
}

echo "1..4"
make_sysroot
cat >"$tmp/tlbiso.conf" <<EOT
monitor = { interval_ms = 100; };
alerts = { prometheus_textfile = "$prom"; };
EOT
"$tlbisod" --config "$tmp/tlbiso.conf" --sysroot "$sys" --runtime-dir "$tmp/run" \
	--state-dir "$tmp/state" >"$tmp/daemon.log" 2>&1 &
dpid=$!
ok "the textfile is written" until_true test -s "$prom"
# a few samples with the same counters: the content, hence the file, stays
until_true samples_at_least 3
before=$(inode) s0=$(samples)
until_true samples_at_least $((${s0:-0} + 5))
ok "an unchanged textfile is not rewritten (5 samples later)" test -n "$before" -a "$(inode)" = "$before"
TLB[3]=$((TLB[3] + 7)) CAL[3]=$((CAL[3] + 7))
write_interrupts
ok "a change is written" until_true grep -qx 'tlbiso_interrupts_total{cpu="3",source="TLB"} 7' "$prom"
rm -f "$prom"
ok "a removed textfile is written again" until_true test -s "$prom"
