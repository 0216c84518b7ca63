# Shared by the daemon's shell tests: the TAP helpers, the temporary
# directory, starting and polling the real tlbisod, and a 4-CPU sysroot with
# nohz_full=2-3, as the VM tests boot it, whose proc/interrupts the tests
# rewrite. Source it first; make_sysroot needs $sys (set by tl_tmpdir).

builddir=${top_builddir:-.}
tlbisod=$builddir/daemon/tlbisod
tlbisoctl=$builddir/cli/tlbisoctl
# make check-valgrind sets TLBISO_WRAP: the daemon then runs under memcheck,
# and its exit status at SIGTERM says whether memcheck found an error.
wrap=${TLBISO_WRAP:-}
dpid=
n=0
failed=0

# skip_all REASON: the whole script is skipped (TAP plan 1..0).
skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}
# need_tools TOOL...: skip the script when one of them is not installed.
need_tools() {
	local t
	for t; do command -v "$t" >/dev/null || skip_all "$t not installed"; done
}
# need_daemon: skip the script when tlbisod or tlbisoctl was not built.
need_daemon() {
	if [ ! -x "$tlbisod" ] || [ ! -x "$tlbisoctl" ]; then
		skip_all "tlbisod or tlbisoctl not built"
	fi
}

# ok DESC, not_ok DESC [DIAGNOSTIC...]: one TAP point each; a failure is
# remembered in $failed so that the script can show the daemon's log.
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=1
	echo "not ok $n - $1"
	shift
	for l in "$@"; do echo "# $l"; done
}
# check DESC COMMAND...: one TAP point from a command's status.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc" "failed: $*"; fi
}
# skip_n COUNT REASON: COUNT points skipped, so that the plan stays the same.
skip_n() {
	local i
	for ((i = 0; i < $1; i++)); do ok "# SKIP $2"; done
}

# tl_tmpdir NAME: a temporary directory $tmp (readable by all: the daemon may
# run as another user) with the usual paths in it, removed at exit after the
# daemon is stopped. A script with more to undo defines cleanup_more.
tl_tmpdir() {
	tmp=$(mktemp -d "/tmp/$1.XXXXXX")
	chmod 755 "$tmp"
	sys=$tmp/sysroot run=$tmp/run state=$tmp/state conf=$tmp/tlbiso.conf
	dlog=$tmp/daemon.log
	trap tl_cleanup EXIT
}
# tl_cleanup: the script's own cleanup_more, then the daemon (signal
# $cleanup_signal, TERM by default), then the directory.
tl_cleanup() {
	if declare -F cleanup_more >/dev/null; then cleanup_more; fi
	[ -n "$dpid" ] && kill -"${cleanup_signal:-TERM}" "$dpid" 2>/dev/null &&
		wait "$dpid" 2>/dev/null
	rm -rf "$tmp"
}

# start_daemon ARGS...: tlbisod in the foreground on $conf, $run and $state,
# with ARGS added (--sysroot ...), its output appended to $dlog; sets dpid.
start_daemon() {
	$wrap "$tlbisod" --foreground --config "$conf" --runtime-dir "$run" --state-dir "$state" \
		"$@" >>"$dlog" 2>&1 &
	dpid=$!
}
# start_textfile_daemon PROM: tlbisod on the sysroot every 100 ms, writing
# the Prometheus textfile PROM (the textfile tests' whole config).
start_textfile_daemon() {
	cat >"$conf" <<EOF
monitor = { interval_ms = 100; };
alerts = { prometheus_textfile = "$1"; };
EOF
	start_daemon --sysroot "$sys"
}
# stop_daemon: SIGTERM; returns the daemon's exit status (memcheck's 99 included).
stop_daemon() {
	local rc
	kill -TERM "$dpid"
	wait "$dpid"
	rc=$?
	dpid=
	return $rc
}
# status: the daemon's status as JSON; jqs [JQ-OPTION...] FILTER: one value
# of it ("" when the daemon does not answer).
status() { "$tlbisoctl" status --json --runtime-dir "$run"; }
jqs() { status 2>/dev/null | jq -r "$@" 2>/dev/null; }
# wait_for FILTER: poll until FILTER gives "true", bounded by $wait_s seconds
# (60 by default; a time, not a poll count, since a daemon that does not
# answer makes each poll wait for the client's timeout). Gives up at once
# when the daemon died (the script then shows its log).
wait_for() {
	local end=$((SECONDS + ${wait_s:-60}))
	while [ $SECONDS -lt $end ]; do
		[ "$(jqs "$1")" = true ] && return 0
		if [ -n "$dpid" ] && ! kill -0 "$dpid" 2>/dev/null; then
			failed=1
			return 1
		fi
		sleep 0.1
	done
	return 1
}
# wait_for_line FILE LINE: poll until FILE has exactly this line (bounded: 30 s).
wait_for_line() {
	local i
	for i in $(seq 300); do
		grep -qxF "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# tlb_total CPU N: the textfile's line for N TLB shootdowns on CPU.
tlb_total() { echo "tlbiso_interrupts_total{cpu=\"$1\",source=\"TLB\"} $2"; }
# show_log_on_failure: the end of a script: its plan, then the daemon's log
# when a point failed.
show_log_on_failure() {
	echo "1..$n"
	if [ $failed -ne 0 ]; then
		echo "# daemon log:"
		sed 's/^/# /' "$dlog"
	fi
}

# make_sysroot: the files tlbisod reads at start.
make_sysroot() {
	mkdir -p "$sys/proc/sys/kernel/random" "$sys/sys/devices/system/cpu"
	echo "BOOT_IMAGE=/vmlinuz root=/dev/vda nohz_full=2-3 isolcpus=nohz,domain,managed_irq,2-3 rcu_nocbs=2-3" \
		>"$sys/proc/cmdline"
	echo "6.1.0-test" >"$sys/proc/sys/kernel/osrelease"
	echo "0f0e0d0c-0b0a-0908-0706-050403020100" >"$sys/proc/sys/kernel/random/boot_id"
	for f in online possible present; do echo 0-3 >"$sys/sys/devices/system/cpu/$f"; done
	echo 2-3 >"$sys/sys/devices/system/cpu/nohz_full"
	echo 2-3 >"$sys/sys/devices/system/cpu/isolated"
	write_interrupts
}

# Counters per CPU; write_interrupts renders them atomically (rename), with
# only the CPUs in $online as columns, like the kernel.
declare -a LOC=(1000 1000 10 10) RES=(50 50 1 1) CAL=(300 300 5 5) TLB=(0 0 0 0) IWI=(0 0 0 0)
declare -a IRQ24=(100 0 0 0)
online="0 1 2 3"
write_interrupts() {
	local f=$sys/proc/interrupts.tmp c
	{
		printf '     '
		for c in $online; do printf '      CPU%-4d' "$c"; done
		printf '\n'
		row() {
			local name=$1 desc=$2 c
			local -n arr=$3
			printf '%4s:' "$name"
			for c in $online; do printf ' %10u' "${arr[$c]}"; done
			printf '   %s\n' "$desc"
		}
		row 24 "PCI-MSI 512000-edge      eth0" IRQ24
		row LOC "Local timer interrupts" LOC
		row RES "Rescheduling interrupts" RES
		row CAL "Function call interrupts" CAL
		row TLB "TLB shootdowns" TLB
		row IWI "IRQ work interrupts" IWI
		printf ' ERR:          0\n'
	} >"$f"
	mv "$f" "$sys/proc/interrupts"
}
