/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `tlbisoctl run`: set up the current process for a latency-critical
 * workload (CPU affinity, NUMA memory policy, scheduling policy, a minimal
 * capability set) so that the program it then executes inherits all of it.
 *
 * Everything is checked before anything is changed (launch_check), so bad
 * input changes nothing; launch_apply then changes this process only.
 */
#ifndef TLBISO_LAUNCH_H
#define TLBISO_LAUNCH_H

#include <stdbool.h>
#include <sys/capability.h>

#include "cpuset.h"
#include "err.h"
#include "topo.h"

#define LAUNCH_KEEP_MAX 64

enum launch_numa { LAUNCH_NUMA_NONE, LAUNCH_NUMA_LOCAL, LAUNCH_NUMA_NODE, LAUNCH_NUMA_INTERLEAVE };

struct launch_opts {
	struct cpuset cpus;
	enum launch_numa numa;
	int node;   /* LAUNCH_NUMA_NODE */
	int policy; /* -1: keep, else SCHED_OTHER, SCHED_FIFO or SCHED_RR */
	int priority;
	int nkeep;
	cap_value_t keep[LAUNCH_KEEP_MAX]; /* capabilities that survive execve */
	bool force;			   /* accept CPUs outside the isolated set */
};

/* What the system looks like, for the checks (from facts_gather and topo). */
struct launch_system {
	struct cpuset online;
	struct cpuset isolated;
	const struct topology *topo; /* NULL: NUMA nodes unknown */
};

/* Parse "cap_sys_nice,cap_ipc_lock" into o->keep. */
int launch_parse_caps(const char *list, struct launch_opts *o, struct tl_err *e);

/* Parse --numa: "local", "interleave" or a node number. */
int launch_parse_numa(const char *arg, struct launch_opts *o, struct tl_err *e);

/*
 * Refuse CPUs that are offline, or outside the isolated set unless force;
 * an empty set; a priority out of range or not permitted (RLIMIT_RTPRIO and
 * CAP_SYS_NICE); a NUMA node that does not exist; a capability to keep that
 * is not held. -EINVAL or -EPERM with the reason, and what to do about it.
 */
int launch_check(const struct launch_opts *o, const struct launch_system *sys, struct tl_err *e);

/* The NUMA nodes of a set of CPUs (node_of[cpu], -1 unknown). */
void launch_nodes_of(const struct cpuset *cpus, const struct topology *t, struct cpuset *nodes);

/*
 * Set affinity, memory policy and scheduling policy, then drop every
 * capability except o->keep (kept ones are made ambient so they survive
 * execve for root and non-root alike). Root is kept from regaining all
 * capabilities at execve with SECBIT_NOROOT (locked); the bounding set is
 * left alone, so file capabilities of programs the workload runs still work.
 */
int launch_apply(const struct launch_opts *o, const struct launch_system *sys, struct tl_err *e);

/* Describe how threads spread over the CPUs (for --one-cpu-per-thread). */
void launch_describe_threads(const struct launch_opts *o, char *out, size_t outsz);

#endif
