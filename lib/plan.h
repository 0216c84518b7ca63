/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CPU split: which CPUs to isolate and which to keep for housekeeping,
 * from the topology. Whole cores only (SMT siblings share a core's caches
 * and pipeline, so half an isolated core is not isolated), at least one
 * housekeeping core on every NUMA node that has isolated CPUs (the node's
 * IRQs, kthreads and memory-local work need a home), and CPU 0 with its
 * siblings always housekeeping (the boot CPU cannot be nohz_full).
 */
#ifndef TLBISO_PLAN_H
#define TLBISO_PLAN_H

#include "cpuset.h"
#include "err.h"
#include "path.h"
#include "topo.h"

enum plan_mode {
	PLAN_MINIMAL, /* housekeeping as small as the rules allow */
	PLAN_ISOLATE, /* isolate at most n CPUs */
	PLAN_RESERVE, /* keep at least n CPUs for housekeeping */
};

struct plan_request {
	enum plan_mode mode;
	int n;
};

#define PLAN_MAX_REASONS 12

struct plan {
	struct cpuset isolated, housekeeping, offline;
	int nreasons;
	char reasons[PLAN_MAX_REASONS][256]; /* one line per rule applied */
};

/* Pure: compute the plan from a topology. -EINVAL with a message when it cannot be met. */
int plan_compute(const struct topology *t, const struct plan_request *req, struct plan *out,
		 struct tl_err *e);

/*
 * Read the topology under p (sysfs), cross-check the node count with
 * libnuma on the live system, and compute the plan.
 */
int plan_make(const struct tl_path *p, const struct plan_request *req, struct plan *out,
	      struct tl_err *e);

/* The schema-versioned JSON text of a plan (malloc'd). */
char *plan_to_json(const struct plan *pl);

#endif
