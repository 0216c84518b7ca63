/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runtime housekeeping: move what can be moved off the isolated CPUs (IRQs,
 * unbound workqueues, unbound kthreads, the watchdog, vmstat, optionally
 * timers, RT throttling and a cpuset partition), every change journaled
 * first (rjournal.h), every knob switchable on its own, and all of it put
 * back on stop, or on the next start after a crash.
 *
 * The daemon owns one struct hk_state (zero it; set .io to inject faults,
 * else the real writes are used) and calls hk_start once, hk_tick every
 * interval and hk_stop at exit. Each call fills a report for the loop to log.
 */
#ifndef TLBISO_HOUSEKEEPING_H
#define TLBISO_HOUSEKEEPING_H

#include <limits.h>
#include <stdbool.h>

#include "cpuset.h"
#include "err.h"
#include "hk-io.h"
#include "hk-report.h"
#include "path.h"
#include "rjournal.h"

enum hk_coexist {
	HK_COEXIST_REFUSE, /* a conflicting irqbalance or tuned: do not touch what they own */
	HK_COEXIST_WARN,   /* warn, and apply anyway */
};

struct hk_config {
	bool apply; /* master switch, default false: monitor only */
	bool irq_affinity;
	bool workqueue_cpumask;
	bool kthreads;
	bool watchdog_cpumask;
	bool stat_interval;
	int stat_interval_s;	 /* vm.stat_interval value, default 10 */
	bool timer_migration;	 /* opt-in: write kernel.timer_migration = 0 */
	bool rt_runtime_us;	 /* opt-in */
	int rt_runtime_us_value; /* kernel.sched_rt_runtime_us value, default -1 (no throttling) */
	bool cpuset_partition;	 /* opt-in */
	enum hk_coexist coexist;
};

/* An IRQ the kernel refused to move (EIO): remembered so drift checks skip it. */
struct hk_irq_fixed {
	int n, cap;
	int *irqs;
};

struct hk_state {
	const struct hk_io *io; /* NULL: hk_io_default() */
	struct hk_config conf;
	const struct tl_path *p;
	struct cpuset isolated, housekeeping;
	int nr_cpus; /* width of the hex masks we write */
	char runtime_dir[PATH_MAX];
	char boot_id[64];
	struct rj_writer jw;
	bool journal_open;
	bool journal_failed; /* a record could not be written: nothing more may change */
	bool active;
	bool irq_refused; /* irqbalance owns the IRQs */
	bool all_refused; /* tuned's cpu-partitioning owns everything */
	struct hk_irq_fixed unmovable;
};

void hk_config_defaults(struct hk_config *c);

/*
 * Replay a journal left by a crash (restoring the originals first), then
 * apply every enabled knob. Per-knob failures are notes in the report, not
 * errors; an error is returned only when nothing may be changed (bad sets,
 * an unreadable old journal, a journal that cannot be written), and then
 * nothing is left changed. On a config reload: hk_stop, then hk_start.
 */
int hk_start(struct hk_state *s, const struct hk_config *conf, const struct tl_path *p,
	     const struct cpuset *isolated, const struct cpuset *housekeeping,
	     const char *runtime_dir, struct hk_report *out, struct tl_err *e);

/* Every interval: re-apply to IRQs that appeared or drifted (notes HK_NOTE_DRIFT, named). */
int hk_tick(struct hk_state *s, struct hk_report *out);

/* Restore everything from the journal and remove it. */
int hk_stop(struct hk_state *s, struct hk_report *out);

/*
 * The journaled write every knob uses: read, skip when equal (0), journal,
 * write (1). A negative errno is the write's (EIO, EINVAL...), or the
 * journal's, and then s->journal_failed is set.
 */
int hk_set(struct hk_state *s, enum rj_fmt fmt, const char *path, const char *val,
	   struct tl_err *e);

/* Journal a task's affinity change or a directory we create, before making it. */
int hk_journal_task(struct hk_state *s, pid_t pid, const char *comm, const char *old_val,
		    const char *new_val, struct tl_err *e);
int hk_journal_mkdir(struct hk_state *s, const char *path, struct tl_err *e);

/* The knobs, each usable on its own (hk_start calls the enabled ones). */
int hk_irq_apply(struct hk_state *s, struct hk_report *r);
int hk_irq_reapply(struct hk_state *s, struct hk_report *r);
int hk_workqueue_apply(struct hk_state *s, struct hk_report *r);
int hk_kthreads_apply(struct hk_state *s, struct hk_report *r);
int hk_sysctl_apply(struct hk_state *s, struct hk_report *r);
int hk_cpuset_apply(struct hk_state *s, struct hk_report *r);

/* The partition cgroup hk_cpuset_apply creates under /sys/fs/cgroup. */
#define HK_CPUSET_CGROUP "/sys/fs/cgroup/tlbiso.isolated"

/*
 * Coexistence with irqbalance, tuned and stalld: sets s->irq_refused /
 * s->all_refused when the config says refuse; warnings in r either way.
 */
int hk_coexist_check(struct hk_state *s, struct hk_report *r);

/* Parts of the coexistence check that are pure, for tests. */
bool hk_tuned_profile_is_partitioning(const char *active_profile);
int hk_irqbalance_banned(const struct tl_path *p, struct cpuset *banned);

#endif
