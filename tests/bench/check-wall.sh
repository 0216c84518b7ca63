#!/bin/bash
# Wall and CPU time of `tlbisoctl check` (no --sample, no --latency) over
# RUNS runs, median, next to `tuned-adm verify` when tuned is installed.
# The median resists the noise of a loaded machine; CPU time (user+sys) is
# printed too because it depends less on the load than wall time does.
# Usage: check-wall.sh TLBISOCTL [RUNS]. Prints figures; asserts nothing.
ctl=${1:?usage: check-wall.sh TLBISOCTL [RUNS]}
runs=${2:-20}

# median of the numbers on stdin
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# time_runs N CMD...: prints "wall_ms cpu_ms" medians of N runs. bash's time
# keyword takes user+sys from the kernel's rusage, finer than clock ticks.
time_runs() {
	local n=$1 i log
	shift
	log=$(mktemp)
	for ((i = 0; i < n; i++)); do
		{ TIMEFORMAT='%3R %3U %3S'; time "$@" >/dev/null 2>&1; } 2>>"$log"
	done
	printf '%s %s\n' "$(awk '{print $1 * 1000}' "$log" | median)" \
		"$(awk '{print ($2 + $3) * 1000}' "$log" | median)"
	rm -f "$log"
}

read -r wall cpu < <(time_runs "$runs" "$ctl" check)
echo "tlbisoctl check: median wall ${wall} ms, median CPU ${cpu} ms (user+sys)" \
	"over $runs runs (target < 50 ms)"
if command -v tuned-adm >/dev/null 2>&1; then
	n=$((runs < 5 ? runs : 5))
	read -r wall cpu < <(time_runs "$n" tuned-adm verify)
	tuned-adm verify >/dev/null 2>&1
	echo "tuned-adm verify: median wall ${wall} ms, median CPU ${cpu} ms over $n runs" \
		"(exit $? here: it needs a running tuned daemon to verify anything)"
else
	echo "tuned-adm verify: tuned not installed (apt-get install tuned to compare)"
fi
