# Shared by the hk-*.sh guest scenarios (sourced). They run inside the qemu
# guest (4 CPUs, CPUs 2-3 isolated), as root, and print TAP. They change real
# kernel settings, so they refuse to run unless TLBISO_VM_GUEST=1 says this is
# the disposable guest. Binaries: hk-killer and tlbisoctl in $TLBISO_GUEST_BIN.
set -u

bin=${TLBISO_GUEST_BIN:-/opt/tlbiso/bin}
killer=$bin/hk-killer
iso=${TLBISO_HK_ISOLATE:-2-3}
hk=${TLBISO_HK_HOUSEKEEPING:-0-1}
run=/run/tlbiso-hk-test
tmp=$(mktemp -d /tmp/tlbiso-hk-XXXXXX)
pid=

hk_guard() {
	if [ "${TLBISO_VM_GUEST:-}" != 1 ]; then
		echo "1..0 # SKIP not the test guest (TLBISO_VM_GUEST=1 unset)"
		exit 0
	fi
	if [ "$(id -u)" -ne 0 ] || [ ! -x "$killer" ]; then
		echo "1..0 # SKIP needs root and $killer"
		exit 0
	fi
	if [ -z "${TLBISO_HK_ISOLATE:-}" ] && [ "$(nproc --all)" -lt 4 ]; then
		echo "1..0 # SKIP needs 4 CPUs"
		exit 0
	fi
	trap hk_cleanup EXIT
	rm -rf "$run"
	mkdir -p "$run"
}

hk_cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	"$killer" restore --sysroot / --runtime-dir "$run" 2>/dev/null
	rm -rf "$tmp" "$run"
}

# Every value housekeeping may change, one file each in $1.
hk_snapshot() {
	local out=$1 f
	mkdir -p "$out"
	for f in /proc/irq/*/smp_affinity_list /proc/irq/default_smp_affinity \
		/sys/devices/virtual/workqueue/cpumask /sys/devices/virtual/workqueue/*/cpumask \
		/proc/sys/kernel/watchdog_cpumask /proc/sys/vm/stat_interval \
		/proc/sys/kernel/timer_migration /proc/sys/kernel/sched_rt_runtime_us; do
		[ -r "$f" ] && cat "$f" >"$out/$(echo "$f" | tr / _)" 2>/dev/null
	done
	return 0
}

# Compare two snapshots byte for byte; print the differences as TAP comments.
hk_same() {
	local a=$1 b=$2 f rc=0
	for f in "$a"/*; do
		cmp -s "$f" "$b/${f##*/}" && continue
		echo "# differs: ${f##*/}: $(cat "$f") -> $(cat "$b/${f##*/}" 2>/dev/null)"
		rc=1
	done
	return $rc
}

# Start the housekeeping loop (the daemon's hooks) and wait for "ready".
hk_start() {
	"$killer" run --sysroot / --runtime-dir "$run" --isolate "$iso" --housekeeping "$hk" \
		--interval-ms "${1:-500}" >"$tmp/out" 2>"$tmp/log" &
	pid=$!
	for _ in $(seq 1 200); do
		grep -q ready "$tmp/out" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

hk_stop() {
	kill -TERM "$pid"
	wait "$pid"
	local rc=$?
	pid=
	return $rc
}

# Whether a cpulist touches an isolated CPU (CPUs $iso, a "lo-hi" range or one CPU).
touches_isolated() {
	echo "$1" | tr ',' '\n' | awk -F- -v iso="$iso" 'BEGIN { n = split(iso, r, "-");
		ilo = r[1]; ihi = (n > 1) ? r[2] : r[1] }
		{ lo = $1; hi = (NF > 1) ? $2 : $1; if (lo <= ihi && hi >= ilo) found = 1 }
		END { exit !found }'
}
