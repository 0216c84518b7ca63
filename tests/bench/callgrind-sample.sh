#!/bin/sh
# Instructions per daemon sample, repeatable where CPU time is not: run a
# bench binary that takes exactly N samples ("BIN N --quiet") under callgrind,
# collecting only inside tlbisod_sample (start-up and set-up are excluded),
# and divide the instructions read (Ir) by N.
# Usage: callgrind-sample.sh BIN [N]. Prints figures; asserts nothing.
bin=${1:?usage: callgrind-sample.sh BIN [N]}
n=${2:-200}
if ! command -v valgrind >/dev/null 2>&1; then
	echo "callgrind: valgrind not installed (apt-get install valgrind): skipped"
	exit 0
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if ! valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect=tlbisod_sample \
	"$bin" "$n" --quiet >/dev/null 2>&1; then
	echo "callgrind: $bin failed under valgrind: skipped"
	exit 0
fi
ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$out")
if [ -z "$ir" ]; then
	ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$out")
fi
echo "callgrind: $ir instructions in $n samples (inside tlbisod_sample only)"
echo "  => $((ir / n)) instructions per sample, live /proc/interrupts of this machine"
