#!/bin/sh
# make check: replay every seed and every past crash of each fuzz target
# through its replay binary (built with the normal compiler, and with the
# sanitizers when configured so). One TAP point per input file.
set -u
srcdir=${top_srcdir:-.}/tests/fuzz
bindir=${top_builddir:-.}/tests/fuzz

n=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for bin in "$bindir"/replay-*; do
	[ -x "$bin" ] || continue
	target=${bin##*/replay-}
	for f in "$srcdir"/corpus/"$target"/* "$srcdir"/regressions/"$target"/*; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		rel=${f#"$srcdir"/}
		if "$bin" "$f" >/dev/null 2>"$out"; then
			echo "ok $n - $target: $rel"
		else
			echo "not ok $n - $target: $rel"
			sed 's/^/# /' "$out" | head -20
		fi
	done
done
if [ "$n" -eq 0 ]; then
	echo "1..0 # SKIP no replay binaries built"
else
	echo "1..$n"
fi
