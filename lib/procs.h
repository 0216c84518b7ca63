/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Processes and threads from /proc under the path context: pid, tid, comm,
 * kernel-thread and no-setaffinity flags (from /proc/<pid>/stat), the CPU
 * a task last ran on, and its allowed CPUs (Cpus_allowed_list in status).
 * Used to judge kthread affinity, to apply it, to find workloads and to
 * spot intruders on isolated CPUs.
 */
#ifndef TLBISO_PROCS_H
#define TLBISO_PROCS_H

#include <stdbool.h>
#include <sys/types.h>

#include "cpuset.h"
#include "err.h"
#include "path.h"

/* 64: kworkers show "kworker/3:0-events" in stat, longer than TASK_COMM_LEN */
#define PROC_COMM_MAX 64

/* From include/linux/sched.h: stable ABI in /proc/<pid>/stat field 9. */
#define TL_PF_KTHREAD 0x00200000u
#define TL_PF_NO_SETAFFINITY 0x04000000u

struct task_info {
	pid_t pid;		/* thread-group id */
	pid_t tid;		/* thread id (== pid for the leader) */
	char comm[PROC_COMM_MAX + 1];
	char state;		/* R, S, D, ... */
	unsigned int flags;	/* PF_* */
	int processor;		/* CPU it last ran on */
	int rt_priority;
	int policy;
	struct cpuset allowed;	/* Cpus_allowed_list */
};

static inline bool task_is_kthread(const struct task_info *t)
{
	return t->flags & TL_PF_KTHREAD;
}

static inline bool task_is_pinned_kthread(const struct task_info *t)
{
	return (t->flags & TL_PF_KTHREAD) && (t->flags & TL_PF_NO_SETAFFINITY);
}

/* Parse the text of /proc/<pid>/stat (comm may hold spaces and parentheses). */
int procs_parse_stat(const char *text, struct task_info *t, struct tl_err *e);

/* Read one task: /proc/<pid>/task/<tid>/{stat,status}. -ENOENT when it has exited. */
int procs_read_task(const struct tl_path *p, pid_t pid, pid_t tid, struct task_info *t,
		    struct tl_err *e);

/*
 * Call fn for every task (every thread when threads is true, else every
 * thread-group leader). Tasks that exit during the walk are skipped.
 * fn returns 0 to go on, non-zero to stop (that value is returned).
 */
typedef int (*procs_visit_fn)(const struct task_info *t, void *arg);
int procs_walk(const struct tl_path *p, bool threads, procs_visit_fn fn, void *arg,
	       struct tl_err *e);

#endif
