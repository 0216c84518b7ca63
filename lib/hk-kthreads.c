// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unbound kernel threads: their affinity narrowed to housekeeping CPUs with
 * sched_setaffinity. Per-CPU kthreads carry PF_NO_SETAFFINITY (the kernel
 * answers EINVAL) and are skipped; rcuo* offload threads are movable and
 * are kept on housekeeping CPUs like the rest, which is the point of
 * rcu_nocbs. Threaded IRQ handlers (irq/N-...) follow their IRQ's affinity.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "housekeeping.h"
#include "procs.h"

#define KNOB "kthreads"

struct kt_walk {
	struct hk_state *s;
	struct hk_report *r;
	int moved, pinned, unavailable;
};

/* Whether a task is a kthread we may and should move. */
static bool kt_candidate(const struct task_info *t)
{
	if (!task_is_kthread(t) || (t->flags & TL_PF_NO_SETAFFINITY))
		return false;
	return strncmp(t->comm, "irq/", 4) != 0;
}

/* Journal, then move one kthread; EINVAL is PF_NO_SETAFFINITY set meanwhile, ESRCH gone. */
static void kt_move(struct kt_walk *w, pid_t pid, const char *comm, const struct cpuset *cur)
{
	struct hk_state *s = w->s;
	char old_val[1024], new_val[1024], label[96];
	struct tl_err e = {0};
	struct cpuset to;
	int ret;

	cpuset_and(&to, cur, &s->housekeeping);
	if (cpuset_empty(&to))
		to = s->housekeeping;
	if (cpulist_format(cur, old_val, sizeof(old_val)) < 0 ||
	    cpulist_format(&to, new_val, sizeof(new_val)) < 0)
		return;
	snprintf(label, sizeof(label), "%s[%d]", comm, (int)pid);
	if (hk_journal_task(s, pid, comm, old_val, new_val, &e) < 0)
		return;
	ret = s->io->set_affinity(s->io->ctx, s->p, pid, &to);
	if (ret == -EINVAL)
		w->pinned++;
	else if (ret < 0 && ret != -ESRCH)
		hk_report_add(w->r, HK_NOTE_ERROR, KNOB, label, "%s", strerror(-ret));
	else if (ret == 0 && ++w->moved)
		hk_report_add(w->r, HK_NOTE_APPLIED, KNOB, label, "moved to %s", new_val);
}

/* procs_walk callback: one task. Stops the walk when the journal failed. */
static int kt_visit(const struct task_info *t, void *arg)
{
	struct kt_walk *w = arg;
	char path[64], comm[PROC_COMM_MAX + 1];
	struct cpuset cur;
	int ret;

	if (!kt_candidate(t))
		return 0;
	ret = w->s->io->get_affinity(w->s->io->ctx, w->s->p, t->pid, &cur);
	if (ret == -EOPNOTSUPP)
		return ++w->unavailable;
	if (ret < 0 || !cpuset_intersects(&cur, &w->s->isolated))
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)t->pid);
	if (tl_path_read_line(w->s->p, path, comm, sizeof(comm), NULL) < 0)
		return 0; /* exited meanwhile */
	kt_move(w, t->pid, comm, &cur);
	return w->s->journal_failed ? -EIO : 0;
}

int hk_kthreads_apply(struct hk_state *s, struct hk_report *r)
{
	struct kt_walk w = {.s = s, .r = r};
	struct tl_err e = {0};
	int ret;

	ret = procs_walk(s->p, false, kt_visit, &w, &e);
	if (w.unavailable) {
		hk_report_add(r, HK_NOTE_WARN, KNOB, "sched_setaffinity",
			      "task affinity cannot be changed under a sysroot");
		return 0;
	}
	if (ret < 0 && !s->journal_failed) {
		hk_report_add(r, HK_NOTE_ERROR, KNOB, "/proc", "%s", e.msg);
		return ret;
	}
	hk_report_add(r, HK_NOTE_INFO, KNOB, "kthreads",
		      "%d unbound kthread(s) moved to housekeeping CPUs, %d turned out per-CPU",
		      w.moved, w.pinned);
	return s->journal_failed ? -EIO : 0;
}
