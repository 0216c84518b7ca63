#!/bin/bash
# The Prometheus side: the shipped alert rules load and behave as their unit
# tests say (promtool check rules, promtool test rules), and a textfile that
# the real tlbisod produced passes promtool check metrics. Speaks TAP.
set -u

builddir=${top_builddir:-.}
srcdir=${top_srcdir:-.}
tlbisod=$builddir/daemon/tlbisod
rules=$srcdir/packaging/prometheus

if ! command -v promtool >/dev/null; then
	echo "1..0 # SKIP promtool not installed (Debian package prometheus)"
	exit 0
fi
if ! command -v jq >/dev/null; then
	echo "1..0 # SKIP jq not installed"
	exit 0
fi

tmp=$(mktemp -d /tmp/tlbiso-prom.XXXXXX)
sys=$tmp/sysroot
dpid=
cleanup() {
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
# shellcheck source=tests/daemon/lib.sh
. "$srcdir/tests/daemon/lib.sh"
n=0
# check DESCRIPTION COMMAND...: one TAP point; the command's output is shown on failure.
check() {
	local desc=$1 out
	shift
	n=$((n + 1))
	if out=$("$@" 2>&1); then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		sed 's/^/# /' <<<"$out"
	fi
}

check "promtool check rules accepts tlbiso-rules.yml" promtool check rules "$rules/tlbiso-rules.yml"
# promtool resolves rule_files relative to the test file
check "promtool test rules passes tlbiso-rules.test.yml" \
	promtool test rules "$rules/tlbiso-rules.test.yml"

# A real textfile: tlbisod on the sysroot, with an alert active.
make_sysroot
cat >"$tmp/tlbiso.conf" <<EOT
monitor = { interval_ms = 100; };
alerts = { prometheus_textfile = "$tmp/tlbiso.prom"; };
EOT
"$tlbisod" --config "$tmp/tlbiso.conf" --sysroot "$sys" --runtime-dir "$tmp/run" \
	--state-dir "$tmp/state" >"$tmp/daemon.log" 2>&1 &
dpid=$!
# the first sample is the baseline: change the counters only after it
for i in $(seq 300); do
	[ -e "$tmp/tlbiso.prom" ] && break
	sleep 0.1
done
TLB[3]=$((TLB[3] + 100)) CAL[3]=$((CAL[3] + 100))
write_interrupts
for i in $(seq 300); do
	grep -qx 'tlbiso_alert_active{type="tlb_shootdown"} 1' "$tmp/tlbiso.prom" 2>/dev/null && break
	sleep 0.1
done
cp "$tmp/tlbiso.prom" "$tmp/snapshot.prom"
check "the textfile written by tlbisod shows the alert" \
	grep -qx 'tlbiso_alert_active{type="tlb_shootdown"} 1' "$tmp/snapshot.prom"
check "promtool check metrics accepts the textfile" \
	bash -c "promtool check metrics <'$tmp/snapshot.prom'"
check "the textfile has no timestamps" \
	bash -c "! grep -qE '^[a-z_]+(\\{[^}]*\\})? [0-9.e+-]+ [0-9]+\$' '$tmp/snapshot.prom'"
check "tlbiso_deferral_expected and tlbiso_build_info are present" \
	grep -q '^tlbiso_deferral_expected 0$' "$tmp/snapshot.prom"
kill -TERM "$dpid"
wait "$dpid"
dpid=
# after the daemon stopped: a write in progress would show its temporary file
check "no temporary file is left beside the textfile" \
	bash -c "[ -z \"\$(ls -A '$tmp' | grep '^\\.tlbiso\\.prom')\" ]"
echo "1..$n"
