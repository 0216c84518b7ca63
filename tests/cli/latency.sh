#!/bin/bash
# `tlbisoctl latency` and `check --latency`: with a stand-in oslat (pass, fail,
# missing), and with the real one when installed (shape and exit status only:
# never a timing). The tests run oslat on the last online CPU with --force,
# because this machine's other tasks may be confined to it.
. "${top_srcdir:-.}/tests/cli/lib.sh"
# Tests that load or time CPU 1 (spinners, tracing, oslat) must not overlap
# under make -j: one would measure the other. flock waits for the previous.
exec 9>"${top_builddir:-.}/tests/cpu1.lock" && flock -w 300 9
need_jq
[ "$LIVECPU" -ge 1 ] || skip_all "needs two online CPUs (one housekeeping, one measured)"
[ -r /proc/interrupts ] || skip_all "/proc/interrupts not readable"

is() { [ "$1" = "$2" ] && echo 0 || echo 1; }

# fake MAX: an oslat that reports MAX us on each CPU it is given with -c.
fake() {
	cat >"$tmp/oslat" <<EOS
#!/bin/sh
while [ \$# -gt 0 ]; do case \$1 in --json=*) f=\${1#--json=};; -c) c=\$2;; esac; shift; done
echo "{\"rt_test_version:\":\"2.40\",\"thread\":{\"0\":{\"cpu\":\$c,\"min\":1,\"avg\":1.5,\"max\":$1}}}" >"\$f"
EOS
	chmod 755 "$tmp/oslat"
}

fake 7
export TLBISO_OSLAT=$tmp/oslat
run latency --cpus "$LIVECPU" --duration 1 --json --force
tap "$(is "$rc" 0)" "fake oslat under the threshold: exit 0 (got $rc)"
jq -e --argjson c "$LIVECPU" '.schema == "tlbiso.latency/1" and .cpus[0].cpu == $c and
	.cpus[0].status == "pass" and .cpus[0].max_us == 7 and (.cpus[0].interrupts | type) == "array"
	and .summary.pass == 1' "$out" >/dev/null
tap $? "JSON has the schema, the CPU, its verdict and its interrupts"
jq -e 'all(.cpus[0].interrupts[]; .count > 0) and
	([.cpus[0].interrupts[].count] == ([.cpus[0].interrupts[].count] | sort | reverse))' \
	"$out" >/dev/null
tap $? "interrupts: only non-zero rows, largest first"

fake 99
run latency --cpus "$LIVECPU" --duration 1 --json --force
tap "$(is "$rc" 1)" "fake oslat over the threshold: exit 1 (got $rc)"
jq -e '.cpus[0].status == "fail" and .summary.fail == 1' "$out" >/dev/null
tap $? "the CPU over the threshold is a fail"

printf 'latency = { max_us = 100; };\n' >"$tmp/t.conf"
run latency --cpus "$LIVECPU" --duration 1 --force --config "$tmp/t.conf"
tap "$(is "$rc" 0)" "latency.max_us from the config raises the threshold (got $rc)"
grep -q "pass" "$out"
tap $? "text output shows the verdict"

run check --cpus "$LIVECPU" --latency 1 --force --json
jq -e --argjson c "$LIVECPU" '[.checks[] | select(.id == "latency.max")] | length == 1 and
	.[0].status == "fail" and .[0].evidence.cpu == $c and .[0].evidence.max_us == 99' \
	"$out" >/dev/null
tap $? "check --latency gives a latency.max check with the CPU in its evidence"

run check --sysroot "$FIXTURES/x86-vm-6.18" --latency 1 --json
jq -e '[.checks[] | select(.id == "latency.max")][0].status == "skip"' "$out" >/dev/null
tap $? "check --latency on a sysroot: latency.max skips"

run check --force
tap "$(is "$rc" 2)" "check --force without --latency: usage error (got $rc)"

run latency --cpus "$LIVECPU" --duration 0
tap "$(is "$rc" 2)" "latency --duration 0: usage error (got $rc)"

run latency --help
tap "$(is "$rc" 0)" "latency --help exits 0"
grep -q "Exit status" "$out"
tap $? "latency --help documents the exit status"

export TLBISO_OSLAT=$tmp/absent-oslat
run latency --cpus "$LIVECPU" --duration 1 --force
tap "$(is "$rc" 2)" "oslat missing: exit 2 (got $rc)"
run check --cpus "$LIVECPU" --latency 1 --json
jq -e '[.checks[] | select(.id == "latency.max")][0] | .status == "warn" and
	(.remedy | test("rt-tests"))' "$out" >/dev/null
tap $? "check --latency without oslat: warn, remedy installs rt-tests"
unset TLBISO_OSLAT

# The real oslat, when installed: only the shape and the exit status. As
# non-root it cannot lock memory or create its threads (exit 3): skip then.
if [ "$(id -u)" != 0 ]; then
	echo "ok $((tap_n += 1)) # SKIP the real oslat needs root"
elif PATH=$PATH:/usr/sbin:/usr/bin command -v oslat >/dev/null 2>&1; then
	run latency --cpus "$LIVECPU" --duration 1 --json --force
	tap "$( [ "$rc" = 0 ] || [ "$rc" = 1 ]; echo $?)" "real oslat: exit 0 or 1 (got $rc)"
	jq -e --argjson c "$LIVECPU" '.schema == "tlbiso.latency/1" and .cpus[0].cpu == $c and
		(.cpus[0].max_us | type) == "number" and .cpus[0].min_us <= .cpus[0].max_us and
		(.cpus[0].status == "pass" or .cpus[0].status == "fail")' "$out" >/dev/null
	tap $? "real oslat: one CPU with min <= max and a verdict"
else
	echo "ok $((tap_n += 1)) # SKIP oslat (rt-tests) not installed"
fi
tap_done
