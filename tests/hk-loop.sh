#!/usr/bin/env bash
# The housekeeping loop on a sysroot (hk-killer run stands in for the daemon's
# loop): apply, an IRQ moved back onto an isolated CPU by hand and a new IRQ
# are both re-applied and named in the log, SIGTERM restores the rest.
set -u

builddir=${top_builddir:-.}
killer=$builddir/tests/hk-killer
if [ ! -x "$killer" ]; then
	echo "1..0 # SKIP hk-killer not built"
	exit 0
fi
tmp=$(mktemp -d /tmp/tlbiso-hkloop-XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
root=$tmp/root
put() { mkdir -p "$(dirname "$root/$1")"; printf '%b' "$2" >"$root/$1"; }
put proc/interrupts '           CPU0       CPU1       CPU2       CPU3\n'
for irq in 24 25; do
	put "proc/irq/$irq/smp_affinity_list" '0-3\n'
	printf '%4d:          0          0          0          0   PCI-MSI %d-edge      dev%d\n' \
		"$irq" "$irq" "$irq" >>"$root/proc/interrupts"
done
put proc/irq/default_smp_affinity 'f\n'
put proc/sys/vm/stat_interval '1\n'
cp -a "$root" "$tmp/orig"
mkdir "$tmp/run"

# Wait (bounded) until a file holds a value; the bound is generous, nothing is timed.
wait_for() {
	for _ in $(seq 1 100); do
		[ "$(cat "$1" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

echo "1..5"
"$killer" run --sysroot "$root" --runtime-dir "$tmp/run" --interval-ms 50 \
	>"$tmp/out" 2>"$tmp/log" &
pid=$!
if wait_for "$tmp/out" ready && [ "$(cat "$root/proc/irq/24/smp_affinity_list")" = 0-1 ]; then
	echo "ok 1 - apply moved IRQ 24 to the housekeeping CPUs"
else
	echo "not ok 1 - apply moved IRQ 24 to the housekeeping CPUs"
fi
printf '2\n' >"$root/proc/irq/24/smp_affinity_list"
put proc/irq/26/smp_affinity_list '0-3\n'
if wait_for "$root/proc/irq/24/smp_affinity_list" 0-1 &&
	wait_for "$root/proc/irq/26/smp_affinity_list" 0-1; then
	echo "ok 2 - the IRQ moved back by hand and the new one are re-applied"
else
	echo "not ok 2 - the IRQ moved back by hand and the new one are re-applied"
fi
if grep -q '^drift irq_affinity irq 24 (dev24)' "$tmp/log" &&
	grep -q '^drift irq_affinity irq 26' "$tmp/log"; then
	echo "ok 3 - each drift is logged with the IRQ's name"
else
	echo "not ok 3 - each drift is logged with the IRQ's name"
	sed 's/^/# /' "$tmp/log"
fi
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
if [ "$rc" -eq 0 ] && [ ! -e "$tmp/run/restore.journal" ]; then
	echo "ok 4 - SIGTERM restores and removes the journal"
else
	echo "not ok 4 - SIGTERM restores and removes the journal (rc $rc)"
fi
# IRQ 24 keeps the value the user gave it by hand; everything else is as before.
if [ "$(cat "$root/proc/irq/24/smp_affinity_list")" = 2 ] &&
	[ "$(cat "$root/proc/irq/26/smp_affinity_list")" = 0-3 ] &&
	diff -r -x 24 -x 26 "$tmp/orig" "$root" >/dev/null &&
	grep -q '^foreign journal /proc/irq/24/smp_affinity_list' "$tmp/log"; then
	echo "ok 5 - originals back byte for byte; the value set by hand is left alone"
else
	echo "not ok 5 - originals back byte for byte; the value set by hand is left alone"
	diff -r "$tmp/orig" "$root" | sed 's/^/# /'
fi
