// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Preparing the current process for `tlbisoctl run`: check everything,
 * then set affinity, memory policy, scheduling policy and capabilities.
 */
#include "config.h"

#include <errno.h>
#include <numa.h>
#include <numaif.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "launch.h"

int launch_parse_caps(const char *list, struct launch_opts *o, struct tl_err *e)
{
	char buf[1024], *save = NULL, *tok;
	int given = 0;

	if (snprintf(buf, sizeof(buf), "%s", list) >= (int)sizeof(buf))
		return tl_err_set(e, EINVAL, "--keep-caps: list too long");
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		cap_value_t v;

		if (cap_from_name(tok, &v) < 0)
			return tl_err_set(e, EINVAL,
					  "--keep-caps: unknown capability \"%s\" (names as in "
					  "capabilities(7), e.g. cap_sys_nice)",
					  tok);
		if (o->nkeep >= LAUNCH_KEEP_MAX)
			return tl_err_set(e, EINVAL, "--keep-caps: too many capabilities");
		o->keep[o->nkeep++] = v;
		given++;
	}
	if (given == 0)
		return tl_err_set(e, EINVAL, "--keep-caps: empty list");
	return 0;
}

int launch_parse_numa(const char *arg, struct launch_opts *o, struct tl_err *e)
{
	char *end;
	long n;

	if (!strcmp(arg, "local")) {
		o->numa = LAUNCH_NUMA_LOCAL;
		return 0;
	}
	if (!strcmp(arg, "interleave")) {
		o->numa = LAUNCH_NUMA_INTERLEAVE;
		return 0;
	}
	errno = 0;
	n = strtol(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end || errno || n >= TL_MAX_NODES)
		return tl_err_set(e, EINVAL,
				  "--numa: \"%s\": expected local, interleave or a node number",
				  arg);
	o->numa = LAUNCH_NUMA_NODE;
	o->node = (int)n;
	return 0;
}

void launch_nodes_of(const struct cpuset *cpus, const struct topology *t, struct cpuset *nodes)
{
	int cpu;

	cpuset_zero(nodes);
	if (!t)
		return;
	cpuset_for_each(cpu, cpus) if (cpu < t->nr_cpus && t->node_of[cpu] >= 0)
		cpuset_set(nodes, t->node_of[cpu]);
}

/* Format a set for a message; "none" reads better than an empty string. */
static const char *launch_fmt(const struct cpuset *s, char *buf, size_t n)
{
	if (cpuset_empty(s) || cpulist_format(s, buf, n) < 0)
		snprintf(buf, n, "none");
	return buf;
}

/* Offline CPUs can never run the workload; non-isolated ones only with --force. */
static int launch_check_cpus(const struct launch_opts *o, const struct launch_system *sys,
			     struct tl_err *e)
{
	char a[256], b[256];
	struct cpuset bad;

	if (cpuset_empty(&o->cpus))
		return tl_err_set(e, EINVAL, "--cpus: the CPU list is empty");
	cpuset_andnot(&bad, &o->cpus, &sys->online);
	if (!cpuset_empty(&bad))
		return tl_err_set(e, EINVAL, "CPU %s: offline (online CPUs: %s)",
				  launch_fmt(&bad, a, sizeof(a)),
				  launch_fmt(&sys->online, b, sizeof(b)));
	cpuset_andnot(&bad, &o->cpus, &sys->isolated);
	if (!cpuset_empty(&bad) && !o->force)
		return tl_err_set(e, EINVAL,
				  "CPU %s: not isolated (isolated CPUs: %s); use --force to run "
				  "there anyway",
				  launch_fmt(&bad, a, sizeof(a)),
				  launch_fmt(&sys->isolated, b, sizeof(b)));
	return 0;
}

/* Is cap in the given set of this process? */
static bool launch_have_cap(cap_value_t cap, cap_flag_t set)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t c = cap_get_proc();

	if (!c)
		return false;
	cap_get_flag(c, cap, set, &v);
	cap_free(c);
	return v == CAP_SET;
}

/* Real-time priorities need CAP_SYS_NICE or a high enough RLIMIT_RTPRIO. */
static int launch_check_sched(const struct launch_opts *o, struct tl_err *e)
{
	const char *name = o->policy == SCHED_FIFO ? "--fifo" : "--rr";
	int lo, hi;
	struct rlimit rl;

	if (o->policy != SCHED_FIFO && o->policy != SCHED_RR)
		return 0;
	lo = sched_get_priority_min(o->policy);
	hi = sched_get_priority_max(o->policy);
	if (o->priority < lo || o->priority > hi)
		return tl_err_set(e, EINVAL, "%s %d: priority out of range %d..%d", name,
				  o->priority, lo, hi);
	if (launch_have_cap(CAP_SYS_NICE, CAP_EFFECTIVE))
		return 0;
	if (getrlimit(RLIMIT_RTPRIO, &rl) == 0 &&
	    (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= (rlim_t)o->priority))
		return 0;
	return tl_err_set(e, EPERM,
			  "%s %d: not permitted: RLIMIT_RTPRIO is %llu and CAP_SYS_NICE is not "
			  "held; raise \"rtprio\" in limits.conf(5) or LimitRTPRIO= of the unit, "
			  "or run with CAP_SYS_NICE",
			  name, o->priority, (unsigned long long)rl.rlim_cur);
}

/* The node must exist; "local" needs to know where the CPUs are. */
static int launch_check_numa(const struct launch_opts *o, const struct launch_system *sys,
			     struct tl_err *e)
{
	struct cpuset nodes;
	char a[256];

	if (o->numa == LAUNCH_NUMA_NONE)
		return 0;
	if (numa_available() < 0)
		return tl_err_set(e, ENOSYS, "--numa: this kernel has no NUMA support");
	if (o->numa == LAUNCH_NUMA_NODE &&
	    (o->node > numa_max_node() ||
	     !numa_bitmask_isbitset(numa_all_nodes_ptr, (unsigned int)o->node)))
		return tl_err_set(e, EINVAL, "--numa %d: no such node with memory (nodes 0..%d)",
				  o->node, numa_max_node());
	launch_nodes_of(&o->cpus, sys->topo, &nodes);
	if (o->numa == LAUNCH_NUMA_LOCAL && cpuset_empty(&nodes))
		return tl_err_set(e, ENODATA, "--numa local: the NUMA node of CPU %s is unknown",
				  launch_fmt(&o->cpus, a, sizeof(a)));
	return 0;
}

/* Kept capabilities must be held; root needs CAP_SETPCAP to stop regaining all at exec. */
static int launch_check_caps(const struct launch_opts *o, struct tl_err *e)
{
	for (int i = 0; i < o->nkeep; i++)
		if (!launch_have_cap(o->keep[i], CAP_PERMITTED)) {
			char *name = cap_to_name(o->keep[i]);
			int r = tl_err_set(e, EPERM,
					   "--keep-caps: %s is not held, so it cannot "
					   "be kept",
					   name ? name : "?");

			cap_free(name);
			return r;
		}
	if ((getuid() == 0 || geteuid() == 0) && !launch_have_cap(CAP_SETPCAP, CAP_EFFECTIVE))
		return tl_err_set(e, EPERM,
				  "running as root without CAP_SETPCAP: cannot keep "
				  "the workload from regaining every capability at exec");
	return 0;
}

int launch_check(const struct launch_opts *o, const struct launch_system *sys, struct tl_err *e)
{
	int r = launch_check_cpus(o, sys, e);

	if (!r)
		r = launch_check_sched(o, e);
	if (!r)
		r = launch_check_numa(o, sys, e);
	if (!r)
		r = launch_check_caps(o, e);
	return r;
}

/* sched_setaffinity on ourselves: threads and children inherit it. */
static int launch_affinity(const struct launch_opts *o, struct tl_err *e)
{
	size_t size = CPU_ALLOC_SIZE(TL_MAX_CPUS);
	cpu_set_t *set = CPU_ALLOC(TL_MAX_CPUS);
	int r = 0;

	if (!set)
		return tl_err_set(e, ENOMEM, "out of memory");
	cpuset_to_glibc(&o->cpus, set, size);
	if (sched_setaffinity(0, size, set) < 0)
		r = tl_err_sys(e, errno, "sched_setaffinity");
	CPU_FREE(set);
	return r;
}

/* The memory policy, set with set_mempolicy(2) (libnuma's), survives execve. */
static int launch_numa(const struct launch_opts *o, const struct launch_system *sys,
		       struct tl_err *e)
{
	struct bitmask *mask;
	struct cpuset nodes;
	int mode = o->numa == LAUNCH_NUMA_INTERLEAVE ? MPOL_INTERLEAVE : MPOL_BIND, r = 0, n;

	if (o->numa == LAUNCH_NUMA_NONE)
		return 0;
	mask = numa_allocate_nodemask();
	if (!mask)
		return tl_err_set(e, ENOMEM, "out of memory");
	if (o->numa == LAUNCH_NUMA_INTERLEAVE)
		copy_bitmask_to_bitmask(numa_all_nodes_ptr, mask);
	else if (o->numa == LAUNCH_NUMA_NODE)
		numa_bitmask_setbit(mask, (unsigned int)o->node);
	else {
		launch_nodes_of(&o->cpus, sys->topo, &nodes);
		cpuset_for_each(n, &nodes) numa_bitmask_setbit(mask, (unsigned int)n);
	}
	if (set_mempolicy(mode, mask->maskp, mask->size + 1) < 0)
		r = tl_err_sys(e, errno, "set_mempolicy(%s)",
			       mode == MPOL_BIND ? "MPOL_BIND" : "MPOL_INTERLEAVE");
	numa_bitmask_free(mask);
	return r;
}

/* The scheduling policy of this thread, inherited by the program and its threads. */
static int launch_sched(const struct launch_opts *o, struct tl_err *e)
{
	struct sched_param sp = {.sched_priority = o->priority};

	if (o->policy < 0)
		return 0;
	if (sched_setscheduler(0, o->policy, &sp) < 0)
		return tl_err_sys(e, errno, "sched_setscheduler");
	return 0;
}

/* Only the kept capabilities in permitted, effective and inheritable. */
static int launch_caps_sets(const struct launch_opts *o, struct tl_err *e)
{
	cap_t c = cap_init();
	int r = 0;

	if (!c)
		return tl_err_sys(e, errno, "cap_init");
	if (o->nkeep > 0 && (cap_set_flag(c, CAP_PERMITTED, o->nkeep, o->keep, CAP_SET) < 0 ||
			     cap_set_flag(c, CAP_EFFECTIVE, o->nkeep, o->keep, CAP_SET) < 0 ||
			     cap_set_flag(c, CAP_INHERITABLE, o->nkeep, o->keep, CAP_SET) < 0))
		r = tl_err_sys(e, errno, "cap_set_flag");
	if (!r && cap_set_proc(c) < 0)
		r = tl_err_sys(e, errno, "cap_set_proc");
	cap_free(c);
	return r;
}

/*
 * Drop to the kept capabilities. Root would regain its full permitted set at
 * execve, so SECBIT_NOROOT (locked) goes first, while CAP_SETPCAP is still
 * held. Kept ones are raised in the ambient set, the only one execve passes
 * on to an ordinary program.
 */
static int launch_caps(const struct launch_opts *o, struct tl_err *e)
{
	int r;

	if (getuid() == 0 || geteuid() == 0) {
		unsigned bits = cap_get_secbits() | SECBIT_NOROOT | SECBIT_NOROOT_LOCKED;

		if (cap_set_secbits(bits) < 0)
			return tl_err_sys(e, errno, "setting SECBIT_NOROOT");
	}
	r = launch_caps_sets(o, e);
	if (r < 0)
		return r;
	if (CAP_AMBIENT_SUPPORTED() && cap_reset_ambient() < 0)
		return tl_err_sys(e, errno, "clearing the ambient capabilities");
	for (int i = 0; i < o->nkeep; i++)
		if (cap_set_ambient(o->keep[i], CAP_SET) < 0)
			return tl_err_sys(e, errno, "raising an ambient capability");
	return 0;
}

int launch_apply(const struct launch_opts *o, const struct launch_system *sys, struct tl_err *e)
{
	int r = launch_affinity(o, e);

	if (!r)
		r = launch_numa(o, sys, e);
	if (!r)
		r = launch_sched(o, e);
	if (!r)
		r = launch_caps(o, e);
	return r;
}

void launch_describe_threads(const struct launch_opts *o, char *out, size_t outsz)
{
	char cpus[256];

	launch_fmt(&o->cpus, cpus, sizeof(cpus));
	snprintf(out, outsz,
		 "threads: every thread the program creates inherits the CPU set %s and the "
		 "scheduler may run it on any of them (%d CPU%s). tlbisoctl run cannot place "
		 "threads that do not exist yet; for one thread per CPU, in thread-id order, "
		 "add a workloads rule with threads = \"spread\" and cpus = \"%s\" to "
		 "tlbiso.conf and let tlbisod apply it.",
		 cpus, cpuset_count(&o->cpus), cpuset_count(&o->cpus) == 1 ? "" : "s", cpus);
}
