#!/bin/bash
# The Prometheus side: the shipped alert rules load and behave as their unit
# tests say (promtool check rules, promtool test rules), and a textfile that
# the real tlbisod produced passes promtool check metrics. Speaks TAP.
set -u

# shellcheck source=tests/daemon/lib.sh
. "${top_srcdir:-.}/tests/daemon/lib.sh"
rules=${top_srcdir:-.}/packaging/prometheus

command -v promtool >/dev/null || skip_all "promtool not installed (Debian package prometheus)"
need_tools jq

tl_tmpdir tlbiso-prom
# check DESCRIPTION COMMAND...: as lib.sh's, with the command's output shown on
# failure (promtool says why it refused).
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
start_textfile_daemon "$tmp/tlbiso.prom"
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
stop_daemon
# after the daemon stopped: a write in progress would show its temporary file
check "no temporary file is left beside the textfile" \
	bash -c "[ -z \"\$(ls -A '$tmp' | grep '^\\.tlbiso\\.prom')\" ]"
echo "1..$n"
