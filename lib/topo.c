// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CPU topology from sysfs only (the live planner may consult libnuma; the
 * checks must work on a dump, so they read what the dump carries).
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo.h"

#define SYS_CPU	 "/sys/devices/system/cpu"
#define SYS_NODE "/sys/devices/system/node"

/* The four CPU masks; possible is required, the others may be absent in a dump. */
static int topo_read_masks(struct topology *t, const struct tl_path *p, struct tl_err *e)
{
	struct tl_err ignored;
	int r;

	r = tl_path_read_cpulist(p, SYS_CPU "/possible", &t->possible, e);
	if (r < 0)
		return r;
	if (tl_path_read_cpulist(p, SYS_CPU "/present", &t->present, &ignored) < 0)
		t->present = t->possible;
	if (tl_path_read_cpulist(p, SYS_CPU "/online", &t->online, &ignored) < 0)
		t->online = t->present;
	/* "offline" is possible minus online when the file is missing. */
	if (tl_path_read_cpulist(p, SYS_CPU "/offline", &t->offline, &ignored) < 0)
		cpuset_andnot(&t->offline, &t->possible, &t->online);
	return 0;
}

/* Highest CPU in a set, or -1. */
static int cpuset_last(const struct cpuset *s)
{
	int c, last = -1;

	cpuset_for_each(c, s) last = c;
	return last;
}

/*
 * SMT groups from thread_siblings_list; offline CPUs usually have no
 * topology directory, so they stay -1 (unknown) rather than failing.
 */
static void topo_read_siblings(struct topology *t, const struct tl_path *p)
{
	struct cpuset sib;
	struct tl_err ignored;
	char path[128];
	int cpu;

	cpuset_for_each(cpu, &t->possible)
	{
		snprintf(path, sizeof(path), SYS_CPU "/cpu%d/topology/thread_siblings_list", cpu);
		if (tl_path_read_cpulist(p, path, &sib, &ignored) < 0 || cpuset_empty(&sib))
			continue;
		t->core_of[cpu] = cpuset_next(&sib, 0);
		if (cpuset_count(&sib) > 1)
			t->smt = true;
	}
}

/* Node number from a "nodeN" directory name, or -1. */
static int node_number(const char *name)
{
	char *end;
	long n;

	if (strncmp(name, "node", 4) || !isdigit((unsigned char)name[4]))
		return -1;
	n = strtol(name + 4, &end, 10);
	return *end || n >= TL_MAX_NODES ? -1 : (int)n;
}

/* Record one node's CPUs and the node of each of them. */
static void topo_add_node(struct topology *t, const struct tl_path *p, int node)
{
	struct tl_err ignored;
	char path[128];
	int cpu;

	snprintf(path, sizeof(path), SYS_NODE "/node%d/cpulist", node);
	if (tl_path_read_cpulist(p, path, &t->node_cpus[node], &ignored) < 0)
		return;
	cpuset_for_each(cpu, &t->node_cpus[node]) t->node_of[cpu] = node;
	if (node + 1 > t->nr_nodes)
		t->nr_nodes = node + 1;
}

/* NUMA nodes; a kernel without CONFIG_NUMA has no node directory: leave 0 nodes. */
static void topo_read_nodes(struct topology *t, const struct tl_path *p)
{
	struct dirent *d;
	DIR *dir;
	int node;

	dir = tl_path_opendir(p, SYS_NODE);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		node = node_number(d->d_name);
		if (node >= 0)
			topo_add_node(t, p, node);
	}
	closedir(dir);
}

int topo_read(struct topology *t, const struct tl_path *p, struct tl_err *e)
{
	int r;

	memset(t, 0, sizeof(*t));
	for (int i = 0; i < TL_MAX_CPUS; i++)
		t->core_of[i] = t->node_of[i] = -1;
	r = topo_read_masks(t, p, e);
	if (r < 0)
		return r;
	t->nr_cpus = cpuset_last(&t->possible) + 1;
	topo_read_siblings(t, p);
	topo_read_nodes(t, p);
	return 0;
}

void topo_siblings(const struct topology *t, int cpu, struct cpuset *out)
{
	int c, core;

	cpuset_zero(out);
	if (cpu < 0 || cpu >= TL_MAX_CPUS)
		return;
	core = t->core_of[cpu];
	if (core < 0) {
		cpuset_set(out, cpu);
		return;
	}
	cpuset_for_each(c, &t->possible) if (t->core_of[c] == core) cpuset_set(out, c);
}
