// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "housekeeping.h"

void hk_config_defaults(struct hk_config *c)
{
	memset(c, 0, sizeof(*c));
	/* With apply on, the knobs tuned's cpu-partitioning also sets are on; the rest opt-in. */
	c->irq_affinity = true;
	c->workqueue_cpumask = true;
	c->kthreads = true;
	c->watchdog_cpumask = true;
	c->stat_interval = true;
	c->stat_interval_s = 10;
	c->rt_runtime_us_value = -1;
	c->coexist = HK_COEXIST_REFUSE;
}

/* The journal is created on the first change only: a no-op apply leaves nothing behind. */
static int hk_journal(struct hk_state *s, struct tl_err *e)
{
	int r;

	if (s->journal_open)
		return 0;
	r = rj_open(&s->jw, s->runtime_dir, s->boot_id, e);
	if (r < 0)
		return r;
	s->journal_open = true;
	return 0;
}

int hk_set(struct hk_state *s, enum rj_fmt fmt, const char *path, const char *val, struct tl_err *e)
{
	char *cur = NULL;
	int r;

	r = hk_io_read_raw(s->p, path, &cur, e); /* journaled byte for byte */
	if (r < 0)
		return r;
	if (rj_values_equal(fmt, cur, val)) {
		free(cur);
		return 0;
	}
	r = hk_journal(s, e);
	if (r == 0)
		r = rj_append_write(&s->jw, fmt, path, cur, val, e);
	free(cur);
	if (r < 0) {
		s->journal_failed = true; /* no record, no change: stop applying */
		return r;
	}
	r = s->io->write(s->io->ctx, s->p, path, val, e);
	return r < 0 ? r : 1;
}

int hk_journal_task(struct hk_state *s, pid_t pid, const char *comm, const char *old_val,
		    const char *new_val, struct tl_err *e)
{
	struct rj_record rec = {.op = RJ_AFFINITY,
				.fmt = RJ_FMT_CPULIST,
				.pid = pid,
				.old_val = (char *)old_val,
				.new_val = (char *)new_val};
	char path[128];
	int r;

	snprintf(path, sizeof(path), "task:%d:%s:affinity", (int)pid, comm);
	snprintf(rec.comm, sizeof(rec.comm), "%s", comm);
	rec.path = path;
	r = hk_journal(s, e);
	if (r == 0)
		r = rj_append(&s->jw, &rec, e);
	if (r < 0)
		s->journal_failed = true;
	return r;
}

int hk_journal_mkdir(struct hk_state *s, const char *path, struct tl_err *e)
{
	struct rj_record rec = {.op = RJ_MKDIR,
				.fmt = RJ_FMT_STR,
				.path = (char *)path,
				.old_val = "",
				.new_val = ""};
	int r = hk_journal(s, e);

	if (r == 0)
		r = rj_append(&s->jw, &rec, e);
	if (r < 0)
		s->journal_failed = true;
	return r;
}

/* Width of the hex masks: the kernel's possible CPUs, else what our sets need. */
static int hk_nr_cpus(const struct tl_path *p, const struct cpuset *a, const struct cpuset *b)
{
	struct cpuset possible, all;
	int c, last = -1;

	if (tl_path_read_cpulist(p, "/sys/devices/system/cpu/possible", &possible, NULL) < 0)
		cpuset_zero(&possible);
	cpuset_or(&all, a, b);
	cpuset_or(&all, &all, &possible);
	cpuset_for_each(c, &all) last = c;
	return last + 1 > 0 ? last + 1 : 1;
}

/* Fill the state; the sets must be disjoint and housekeeping non-empty. */
static int hk_state_init(struct hk_state *s, const struct hk_config *conf, const struct tl_path *p,
			 const struct cpuset *isolated, const struct cpuset *housekeeping,
			 const char *runtime_dir, struct tl_err *e)
{
	if (cpuset_empty(housekeeping))
		return tl_err_set(e, EINVAL, "housekeeping: the housekeeping set is empty");
	if (cpuset_intersects(isolated, housekeeping))
		return tl_err_set(e, EINVAL,
				  "housekeeping: isolated and housekeeping sets overlap");
	if (!s->io)
		s->io = hk_io_default();
	s->conf = *conf;
	s->p = p;
	s->isolated = *isolated;
	s->housekeeping = *housekeeping;
	s->nr_cpus = hk_nr_cpus(p, isolated, housekeeping);
	snprintf(s->runtime_dir, sizeof(s->runtime_dir), "%s", runtime_dir);
	rj_boot_id(p, s->boot_id, sizeof(s->boot_id));
	s->jw.fd = -1;
	s->journal_open = s->journal_failed = false;
	s->irq_refused = s->all_refused = false;
	return 0;
}

/* The knobs in the order they are applied (restore runs the journal backwards). */
static int hk_apply_knobs(struct hk_state *s, struct hk_report *out)
{
	const struct {
		bool on;
		int (*fn)(struct hk_state *, struct hk_report *);
	} knobs[] = {
		{s->conf.cpuset_partition, hk_cpuset_apply},
		{s->conf.irq_affinity && !s->irq_refused, hk_irq_apply},
		{s->conf.workqueue_cpumask, hk_workqueue_apply},
		{s->conf.kthreads, hk_kthreads_apply},
		{true, hk_sysctl_apply}, /* checks its own four switches */
	};

	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		if (!knobs[i].on)
			continue;
		knobs[i].fn(s, out);
		if (s->journal_failed)
			return -EIO;
	}
	return 0;
}

int hk_start(struct hk_state *s, const struct hk_config *conf, const struct tl_path *p,
	     const struct cpuset *isolated, const struct cpuset *housekeeping,
	     const char *runtime_dir, struct hk_report *out, struct tl_err *e)
{
	int r;

	r = hk_state_init(s, conf, p, isolated, housekeeping, runtime_dir, e);
	if (r < 0)
		return r;
	r = rj_restore(runtime_dir, p, s->io, out, e);
	if (r < 0)
		return r; /* an unreadable journal: applying on top would lose the originals */
	if (r > 0)
		hk_report_add(out, HK_NOTE_INFO, "journal", runtime_dir,
			      "replayed a journal left by a crash: %d value(s) restored", r);
	if (!conf->apply)
		return 0;
	hk_coexist_check(s, out);
	if (s->all_refused)
		return 0;
	s->active = true;
	r = hk_apply_knobs(s, out);
	if (r < 0) {
		/* Change nothing rather than something unjournaled: undo what was applied. */
		hk_stop(s, out);
		return tl_err_set(e, EIO,
				  "housekeeping: the journal cannot be written: "
				  "stopped, and restored what was applied");
	}
	return 0;
}

int hk_tick(struct hk_state *s, struct hk_report *out)
{
	if (!s->active || !s->conf.irq_affinity || s->irq_refused || s->all_refused)
		return 0;
	return hk_irq_reapply(s, out);
}

int hk_stop(struct hk_state *s, struct hk_report *out)
{
	struct tl_err e = {0};
	int r;

	if (s->journal_open)
		rj_close(&s->jw);
	s->journal_open = false;
	s->active = false;
	free(s->unmovable.irqs);
	memset(&s->unmovable, 0, sizeof(s->unmovable));
	if (!s->p)
		return 0;
	r = rj_restore(s->runtime_dir, s->p, s->io ? s->io : hk_io_default(), out, &e);
	if (r < 0)
		hk_report_add(out, HK_NOTE_ERROR, "journal", s->runtime_dir, "%s", e.msg);
	return r < 0 ? r : 0;
}
