/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Workloads: which rule a process matches, and applying a rule to all of its
 * threads (affinity, scheduling policy, page migration).
 *
 * What a process is (comm, cmdline, cgroup, unit) is read through the path
 * context, so matching runs on fixture trees. What is done to it goes through
 * struct wl_ops, whose default is the real syscalls; tests substitute a
 * recorder. Nothing here prints; failures come back in struct tl_err.
 */
#ifndef TLBISO_WORKLOAD_H
#define TLBISO_WORKLOAD_H

#include <stdbool.h>
#include <sys/types.h>

#include "cpuset.h"
#include "err.h"
#include "path.h"
#include "procs.h"
#include "workload-conf.h"

#define WL_CMDLINE_MAX 1024
#define WL_CGROUP_MAX  512
#define WL_UNIT_MAX    256

/* The identity of a process as the rules see it. */
struct wl_proc {
	pid_t pid;
	char comm[PROC_COMM_MAX + 1];
	char cmdline[WL_CMDLINE_MAX]; /* NUL-separated argv joined with spaces */
	char cgroup[WL_CGROUP_MAX];   /* the cgroup v2 ("0::") path */
	char unit[WL_UNIT_MAX];	      /* "foo.service" or "bar.scope", "" if none */
	bool kthread;		      /* kernel threads have an empty cmdline */
};

/*
 * Read what the rules need. Only the parts some rule uses are read when
 * need is a bitmask of (1 << enum wl_match_kind); comm is always read.
 * -ENOENT when the process has exited.
 */
int wl_proc_read(const struct tl_path *p, pid_t pid, unsigned int need, struct wl_proc *out,
		 struct tl_err *e);

/* The match kinds the rules use, for wl_proc_read's need. */
unsigned int wl_rules_need(const struct workload_rules *r);

/* The systemd unit of a cgroup path: its last *.service or *.scope component. */
void wl_unit_from_cgroup(const char *cgroup, char *out, size_t outsz);

/* Index of the first rule matching proc, or -1. Kernel threads never match. */
int wl_match(const struct workload_rules *r, const struct wl_proc *proc);

/*
 * The CPUs of the i-th thread (in tid order) under rule r: all of r->cpus for
 * threads = "all", else the i-th CPU of r->cpus, wrapping around.
 */
void wl_thread_cpus(const struct workload_rule *r, int i, struct cpuset *out);

/* What applying does to the system; tests substitute a recorder. */
struct wl_ops {
	int (*set_affinity)(void *ctx, pid_t tid, const struct cpuset *cpus);
	int (*set_sched)(void *ctx, pid_t tid, int policy, int priority);
	/* Move the pages of pid from any node to the nodes in to. */
	int (*migrate)(void *ctx, pid_t pid, const struct cpuset *to);
	void *ctx;
};

/* The real syscalls: sched_setaffinity, sched_setscheduler, migrate_pages. */
extern const struct wl_ops wl_sys_ops;

#define WL_THREADS_MAX 1024

/* What was done to one thread. */
struct wl_thread {
	pid_t tid;
	struct cpuset cpus; /* the affinity set */
	int err;	    /* 0, or the positive errno of a failure */
};

/* What was done to one process: the record status shows. */
struct wl_applied {
	pid_t pid;
	int rule;
	char comm[PROC_COMM_MAX + 1];
	int nthreads;
	struct wl_thread *threads; /* heap, tid order */
	bool migrated;		   /* pages moved once, when numa is set */
	struct cpuset nodes;	   /* target nodes (as a set of node ids) */
	int err;		   /* first failure, positive errno */
	char errmsg[160];
	unsigned long stamp; /* the caller's clock at the last apply */
};

/*
 * The NUMA nodes a rule targets (for "local" the nodes of its CPUs, from
 * node_of[cpu], -1 unknown). Empty when numa is none.
 */
void wl_rule_nodes(const struct workload_rule *r, const int *node_of, int nr_cpus,
		   const struct cpuset *all_nodes, struct cpuset *out);

/*
 * Apply rule to every thread of pid (listed under /proc/pid/task) and record
 * it in a (reused; free with wl_applied_free). A thread is set up once, when
 * first seen: its planned CPUs, the policy. Later applies leave it alone while
 * its affinity stays within the rule's CPUs (the program may place its own
 * threads there) and bring it back when it leaves them; new threads are set
 * up. Returns the number of threads changed, or a negative errno when the
 * process could not be read at all; per-thread failures are recorded.
 */
int wl_apply(const struct tl_path *p, const struct wl_ops *ops, const struct workload_rules *rules,
	     int rule, pid_t pid, const struct cpuset *nodes, struct wl_applied *a,
	     struct tl_err *e);
void wl_applied_free(struct wl_applied *a);

#endif
