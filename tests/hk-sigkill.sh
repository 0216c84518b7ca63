#!/usr/bin/env bash
# SIGKILL at random points during a housekeeping apply, 50 times: after the
# restart's replay (or `tlbisoctl restore`), every original value is back,
# byte for byte, every time. The sysroot's plain files stand in for
# /proc/irq, /proc/sys and /sys. Half the kills come from inside (just before
# or after the N-th write), half from outside at a random moment while every
# write is slowed down, which lands some of them inside a journal append.
set -u

builddir=${top_builddir:-.}
killer=$builddir/tests/hk-killer
ctl=$builddir/cli/tlbisoctl
iterations=${HK_SIGKILL_ITERATIONS:-50}

if [ ! -x "$killer" ] || [ ! -x "$ctl" ]; then
	echo "1..0 # SKIP hk-killer or tlbisoctl not built"
	exit 0
fi

tmp=$(mktemp -d /tmp/tlbiso-sigkill-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
run=$tmp/run
mkdir -p "$root" "$run"

# A machine with 4 CPUs, 40 IRQs, unbound workqueues and the sysctls we touch.
put() { mkdir -p "$(dirname "$root/$1")"; printf '%b' "$2" >"$root/$1"; }
mkroot() {
	local irq
	put proc/sys/kernel/random/boot_id 'b007\n'
	put sys/devices/system/cpu/possible '0-3\n'
	put proc/interrupts '           CPU0       CPU1       CPU2       CPU3\n'
	for irq in $(seq 24 63); do
		put "proc/irq/$irq/smp_affinity_list" '0-3\n'
		printf '%4d:          0          0          0          0   PCI-MSI %d-edge      dev%d\n' \
			"$irq" "$irq" "$irq" >>"$root/proc/interrupts"
	done
	put proc/irq/default_smp_affinity 'f\n'
	put sys/devices/virtual/workqueue/cpumask '0000000f\n'
	put sys/devices/virtual/workqueue/writeback/cpumask 'f\n'
	put proc/sys/kernel/watchdog_cpumask '0-3\n'
	put proc/sys/vm/stat_interval '1\n'
	put proc/sys/kernel/timer_migration '1\n'
	put proc/sys/kernel/sched_rt_runtime_us '950000\n'
}
mkroot
cp -a "$root" "$tmp/orig"

# How many writes a full apply makes: the range of internal kill points.
"$killer" apply --sysroot "$root" --runtime-dir "$run" 2>/dev/null
writes=$(grep -c . "$run/restore.journal")
writes=$((writes - 1))
"$killer" restore --sysroot "$root" --runtime-dir "$run" 2>/dev/null

echo "1..$((iterations + 1))"
if [ "$writes" -gt 40 ] && diff -r "$tmp/orig" "$root" >/dev/null; then
	echo "ok 1 - a full apply makes $writes journaled writes and restores exactly"
else
	echo "not ok 1 - a full apply makes $writes journaled writes and restores exactly"
fi

fail=0
for i in $(seq 1 "$iterations"); do
	how=
	if [ $((i % 2)) -eq 0 ]; then
		at=$((RANDOM % (2 * writes) + 1))
		{ "$killer" apply --sysroot "$root" --runtime-dir "$run" --die-at "$at"; } 2>/dev/null
		rc=$?
		how="died at point $at"
	else
		"$killer" apply --sysroot "$root" --runtime-dir "$run" --delay-us 300 2>/dev/null &
		pid=$!
		sleep "0.0$((RANDOM % 20 + 1))"
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		rc=$?
		how="killed from outside"
	fi
	# Every few rounds the restore itself is killed too, then run again.
	if [ $((i % 5)) -eq 0 ] && [ -e "$run/restore.journal" ]; then
		{ "$killer" restore --sysroot "$root" --runtime-dir "$run" \
			--die-at $((RANDOM % 10 + 1)); } 2>/dev/null
		how="$how, restore killed once"
	fi
	# The restart: the daemon replays first (odd rounds), or by hand (even ones).
	if [ $((i % 2)) -eq 1 ]; then
		"$killer" replay --sysroot "$root" --runtime-dir "$run" 2>/dev/null
	else
		"$ctl" restore --runtime-dir "$run" --sysroot "$root" >/dev/null
	fi
	rrc=$?
	if diff -r -x "*.new" "$tmp/orig" "$root" >"$tmp/diff" && [ ! -e "$run/restore.journal" ] &&
		[ "$rrc" -eq 0 ]; then
		echo "ok $((i + 1)) - round $i ($how, rc $rc): every value back byte for byte"
	else
		echo "not ok $((i + 1)) - round $i ($how, rc $rc, restore rc $rrc)"
		sed 's/^/# /' "$tmp/diff"
		ls "$run" | sed 's/^/# run: /'
		fail=1
		rm -rf "$root" "$run"/*
		cp -a "$tmp/orig" "$root"
	fi
done
exit 0
