#!/bin/bash
# Golden `check --json` output of every fixture sysroot: each directory under
# tests/fixtures/sysroots holding expected-check.json is checked (with the
# options of its check-args file, if any). Nothing is excluded from the
# comparison: a fixture is a static tree, so the whole output must match
# (keys are compared order-insensitively with jq -S). Also asserts the exit
# status that the golden summary implies.
. "${top_srcdir:-.}/tests/cli/lib.sh"
need_jq

found=0
for dir in "$FIXTURES"/*/; do
	dir=${dir%/}
	[ -f "$dir/expected-check.json" ] || continue
	found=1
	name=${dir##*/}
	args=
	[ -f "$dir/check-args" ] && args=$(cat "$dir/check-args")
	# shellcheck disable=SC2086
	run check --sysroot "$dir" --json $args
	want=$(jq -r 'if .summary.fail > 0 then 1 else 0 end' "$dir/expected-check.json")
	tap $([ "$rc" = "$want" ] && echo 0 || echo 1) "$name: exit status $rc (want $want)"
	if diff -u <(jq -S . "$dir/expected-check.json") <(jq -S . "$out") >"$err.diff" 2>&1; then
		tap 0 "$name: output matches expected-check.json"
	else
		tap 1 "$name: output matches expected-check.json"
		head -40 "$err.diff" | sed 's/^/# /'
	fi
done
[ $found -eq 1 ] || skip_all "no fixture with expected-check.json"
tap_done
