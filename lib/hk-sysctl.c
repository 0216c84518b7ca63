// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sysctls: kernel.watchdog_cpumask (housekeeping CPUs only), vm.stat_interval
 * (vmstat work less often); opt-in kernel.timer_migration = 0 and
 * kernel.sched_rt_runtime_us (see conf/tlbiso.conf for the trade-offs).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "housekeeping.h"

/* One sysctl write with its note; a missing file means the kernel lacks the knob. */
static void sysctl_set(struct hk_state *s, const char *knob, enum rj_fmt fmt, const char *path,
		       const char *val, struct hk_report *r)
{
	struct tl_err e = {0};
	int ret;

	if (!tl_path_exists(s->p, path)) {
		hk_report_add(r, HK_NOTE_WARN, knob, path, "not present in this kernel");
		return;
	}
	ret = hk_set(s, fmt, path, val, &e);
	if (ret > 0)
		hk_report_add(r, HK_NOTE_APPLIED, knob, path, "set to %s", val);
	else if (ret < 0 && !s->journal_failed)
		hk_report_add(r, HK_NOTE_ERROR, knob, path, "%s", e.msg);
}

int hk_sysctl_apply(struct hk_state *s, struct hk_report *r)
{
	char val[4096];
	const struct hk_config *c = &s->conf;

	if (c->watchdog_cpumask && cpulist_format(&s->housekeeping, val, sizeof(val)) == 0)
		sysctl_set(s, "watchdog_cpumask", RJ_FMT_CPULIST,
			   "/proc/sys/kernel/watchdog_cpumask", val, r);
	if (c->stat_interval && !s->journal_failed) {
		snprintf(val, sizeof(val), "%d", c->stat_interval_s);
		sysctl_set(s, "stat_interval", RJ_FMT_INT, "/proc/sys/vm/stat_interval", val, r);
	}
	if (c->timer_migration && !s->journal_failed)
		sysctl_set(s, "timer_migration", RJ_FMT_INT, "/proc/sys/kernel/timer_migration",
			   "0", r);
	if (c->rt_runtime_us && !s->journal_failed) {
		snprintf(val, sizeof(val), "%d", c->rt_runtime_us_value);
		sysctl_set(s, "rt_runtime_us", RJ_FMT_INT, "/proc/sys/kernel/sched_rt_runtime_us",
			   val, r);
	}
	return s->journal_failed ? -EIO : 0;
}
