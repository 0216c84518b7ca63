# Helpers for the trace guest scripts (sourced). In the qemu guest the
# harness puts tlbisoctl and the generators on PATH and boots with
# isolated CPUs; TLBISO_ISOL_CPU picks the target (default: the last
# isolated CPU).
tfs=/sys/kernel/tracing
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else notok "$d"; fi; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }

trace_guest_setup() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root"
	command -v tlbisoctl >/dev/null || skip_all "tlbisoctl not on PATH"
	command -v jq >/dev/null || skip_all "jq not installed"
	[ -d $tfs/instances ] || mount -t tracefs nodev $tfs 2>/dev/null ||
		skip_all "tracefs cannot be mounted"
	isol=${TLBISO_ISOL_CPU:-$(sed 's/.*[,-]//' /sys/devices/system/cpu/isolated 2>/dev/null)}
	[ -n "$isol" ] || skip_all "no isolated CPU (boot with isolcpus=)"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
}

# Start tracing CPU $isol for $1 seconds into $tmp/trace.json; wait until armed.
trace_start() {
	tlbisoctl trace --cpus "$isol" --duration "$1" --json >"$tmp/trace.json" 2>"$tmp/trace.err" &
	tpid=$!
	local i
	for i in $(seq 600); do
		grep -qs 1 $tfs/instances/tlbiso-$tpid/events/*/*/enable && sleep 0.5 && return 0
		kill -0 $tpid 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}
