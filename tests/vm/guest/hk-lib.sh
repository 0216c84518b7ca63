# shellcheck shell=sh
# hk-lib.sh - housekeeping through the real tlbisod, for the hk-*
# scenarios (busybox sh, sourced after lib.sh and daemon.sh).
#
# The guest is disposable, so the scenarios change real kernel settings:
# IRQ affinities and the workqueue cpumask.  Each scenario compares every
# value housekeeping may change before and after, byte for byte.
#
# Contract used: "tlbisoctl status --json" has .housekeeping.{applied,
# changes, unmovable_irqs, drift_events, last_error}; the restore journal
# is RUNDIR/restore.journal; the daemon logs "housekeeping NOTE KNOB
# WHAT: MSG" lines and "replayed a journal left by a crash".

HK_ISO=2-3
HK_MASK=3 # the housekeeping CPUs 0-1 as a cpumask
HK_CONF=/etc/tlbiso/hk.conf
HK_JOURNAL=$TLBISO_RUNDIR/restore.journal

# hk_conf: apply IRQ affinity and the workqueue mask only; the kthreads
# and the sysctls are left at their defaults of the daemon.
hk_conf() {
	write_conf hk.conf 'monitor = { interval_ms = 250; };
housekeeping = { apply = true; irq_affinity = true; workqueue_cpumask = true; };'
}

# hk_snapshot FILE: every value housekeeping may change, as "path:value"
# lines (one grep for all of them: forks are dear under TCG).
hk_snapshot() {
	grep -H '' /proc/irq/*/smp_affinity_list /proc/irq/default_smp_affinity \
		/sys/devices/virtual/workqueue/cpumask \
		/sys/devices/virtual/workqueue/*/cpumask \
		/proc/sys/kernel/watchdog_cpumask /proc/sys/vm/stat_interval \
		/proc/sys/kernel/timer_migration /proc/sys/kernel/sched_rt_runtime_us \
		>"$1" 2>/dev/null
	return 0
}

# hk_same A B: the snapshots are equal; the differences become diags.
hk_same() {
	cmp -s "$1" "$2" && return 0
	diff "$1" "$2" | sed -n 's/^\([-+][^-+]\)/\1/p' | while IFS= read -r l; do
		diag "  differs: $l"
	done
	return 1
}

# hk_applied: the daemon reports housekeeping in force.
hk_applied() {
	status /tmp/status.json
	jqt '.housekeeping.applied == true' /tmp/status.json
}

# hk_drifted: the daemon counted at least one drift event.
hk_drifted() {
	status /tmp/status.json
	jqt '.housekeeping.drift_events > 0' /tmp/status.json
}

# touches_isolated CPULIST: the list has CPU 2 or 3.
touches_isolated() {
	echo "$1" | awk -F, '{ for (i = 1; i <= NF; i++) {
		n = split($i, r, "-"); lo = r[1]; hi = (n > 1) ? r[2] : r[1]
		if (lo <= 3 && hi >= 2) f = 1 } } END { exit !f }'
}
