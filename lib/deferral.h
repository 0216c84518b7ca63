/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The verdict the project exists for: are kernel-range TLB-flush IPIs
 * (vmalloc's flush_tlb_kernel_range) kept off the isolated CPUs?
 *
 * In force when INVLPGB is usable (CPU bit, CONFIG_BROADCAST_TLB_FLUSH,
 * not Zen2, not cleared with clearcpuid=), or when the kernel has
 * CONFIG_COALESCE_TLBI, PTI is active, and the isolated CPUs are nohz_full.
 */
#ifndef TLBISO_DEFERRAL_H
#define TLBISO_DEFERRAL_H

#include <stdbool.h>

#include "cpuset.h"
#include "facts.h"

enum deferral_mechanism { DEFER_NONE, DEFER_INVLPGB, DEFER_COALESCE_TLBI };

struct deferral_verdict {
	bool expected;			 /* deferral should be in force */
	enum deferral_mechanism mechanism;
	char missing[512];		 /* what is missing, one clause per item, when !expected */
	char remedy[512];
};

void deferral_assess(const struct tl_facts *f, const struct cpuset *isolated,
		     struct deferral_verdict *v);

const char *deferral_mechanism_name(enum deferral_mechanism m); /* "none", "invlpgb", "coalesce_tlbi" */

/* PTI active at run time: the cpuinfo flag, else meltdown "Mitigation: PTI". */
bool facts_pti_active(const struct tl_facts *f);

#endif
