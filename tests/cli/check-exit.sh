#!/bin/bash
# Exit statuses of `tlbisoctl check`: 0 no fail, 1 a fail, 2 usage or config
# error, 3 could not run; --help goes to stdout and documents them.
. "${top_srcdir:-.}/tests/cli/lib.sh"

is() { [ "$1" = "$2" ] && echo 0 || echo 1; }

run check --sysroot "$FIXTURES/synth-intel-coalesce-pass"
tap "$(is "$rc" 0)" "exit 0 when nothing fails (got $rc)"

run check --sysroot "$FIXTURES/synth-no-isolation"
tap "$(is "$rc" 1)" "exit 1 when a check fails (got $rc)"

run check --sysroot "$FIXTURES/synth-intel-pti-off" --json
tap "$(is "$rc" 1)" "exit 1 with --json too (got $rc)"

run check --bogus
tap "$(is "$rc" 2)" "exit 2 on an unknown option (got $rc)"
grep -q "Try 'tlbisoctl check --help'" "$err"
tap $? "usage error points to --help on stderr"

run check --cpus 3-x
tap "$(is "$rc" 2)" "exit 2 on a malformed --cpus (got $rc)"

run check --sample 0
tap "$(is "$rc" 2)" "exit 2 on --sample 0 (got $rc)"

run check unexpected-arg
tap "$(is "$rc" 2)" "exit 2 on a stray argument (got $rc)"

run check --sysroot "$FIXTURES/synth-intel-coalesce-pass" --config "$tmp/absent.conf"
tap "$(is "$rc" 2)" "exit 2 when --config names a missing file (got $rc)"

printf 'isolated_cpus = "2-x";\nmonitor = { interval_ms = 1; };\n' >"$tmp/bad.conf"
run check --sysroot "$FIXTURES/synth-intel-coalesce-pass" --config "$tmp/bad.conf"
tap "$(is "$rc" 2)" "exit 2 on an invalid config (got $rc)"
grep -q "bad.conf:1" "$err"
tap $? "config errors are given as file:line"

run check --sysroot "$tmp/does-not-exist"
tap "$(is "$rc" 3)" "exit 3 when the sysroot does not exist (got $rc)"

mkdir -p "$tmp/empty"
run check --sysroot "$tmp/empty"
tap "$(is "$rc" 3)" "exit 3 on a sysroot without /proc (got $rc)"

run check --help
tap "$(is "$rc" 0)" "--help exits 0"
grep -q "^Exit status:" "$out" && grep -q " 3  could not run" "$out"
tap $? "--help on stdout documents the exit statuses"
[ ! -s "$err" ]
tap $? "--help writes nothing to stderr"

printf 'isolated_cpus = "3";\n' >"$tmp/iso.conf"
run check --sysroot "$FIXTURES/synth-intel-coalesce-pass" --config "$tmp/iso.conf" --json
if command -v jq >/dev/null 2>&1; then
	[ "$(jq -r '.isolated_origin + " " + .isolated_cpus' "$out")" = "config 3" ]
	tap $? "isolated_cpus from the config is used"
	run check --sysroot "$FIXTURES/synth-intel-coalesce-pass" --config "$tmp/iso.conf" \
		--cpus 2 --json
	[ "$(jq -r '.isolated_origin + " " + .isolated_cpus' "$out")" = "cli 2" ]
	tap $? "--cpus overrides the config"
fi

NO_COLOR= run check --sysroot "$FIXTURES/synth-no-isolation"
! grep -q "$(printf '\033')" "$out"
tap $? "no colour when stdout is not a terminal"
grep -q "^23 checks: 5 pass, 1 warn, 15 fail, 2 skip" "$out"
tap $? "the table ends with the summary line"
run check --sysroot "$FIXTURES/synth-irqbalance-partial" --verbose
grep -q '^ *evidence: {.*"IRQBALANCE_BANNED_CPULIST"' "$out"
tap $? "--verbose shows the evidence"

# Colour only on a terminal, and never with NO_COLOR or --no-color (script(1) gives a tty).
if command -v script >/dev/null 2>&1; then
	fx=$FIXTURES/synth-no-isolation
	esc=$(printf '\033')
	env -u NO_COLOR script -qec "$TLBISOCTL check --sysroot $fx" /dev/null >"$tmp/tty" 2>&1
	grep -q "$esc\[" "$tmp/tty"
	tap $? "colour on a terminal"
	NO_COLOR=1 script -qec "$TLBISOCTL check --sysroot $fx" /dev/null >"$tmp/tty" 2>&1
	! grep -q "$esc\[" "$tmp/tty"
	tap $? "no colour on a terminal with NO_COLOR set"
	env -u NO_COLOR script -qec "$TLBISOCTL check --no-color --sysroot $fx" /dev/null \
		>"$tmp/tty" 2>&1
	! grep -q "$esc\[" "$tmp/tty"
	tap $? "no colour on a terminal with --no-color"
fi
tap_done
