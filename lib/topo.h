/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CPU topology from sysfs under the path context: possible, present,
 * online and offline CPUs, SMT siblings and NUMA nodes.
 */
#ifndef TLBISO_TOPO_H
#define TLBISO_TOPO_H

#include "cpuset.h"
#include "err.h"
#include "path.h"

#define TL_MAX_NODES 64

struct topology {
	struct cpuset possible, present, online, offline;
	int nr_cpus;			  /* highest possible CPU + 1 */
	int core_of[TL_MAX_CPUS];	  /* index of the first CPU of its SMT sibling group, -1 unknown */
	int node_of[TL_MAX_CPUS];	  /* NUMA node, -1 unknown */
	int nr_nodes;
	struct cpuset node_cpus[TL_MAX_NODES];
	bool smt;			  /* any core has more than one thread */
};

/* Allocate with malloc (it is large); free with free(). */
int topo_read(struct topology *t, const struct tl_path *p, struct tl_err *e);

/* The SMT siblings of cpu (including cpu). */
void topo_siblings(const struct topology *t, int cpu, struct cpuset *out);

#endif
