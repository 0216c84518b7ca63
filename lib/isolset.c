// SPDX-License-Identifier: GPL-2.0-or-later
/* The default isolated set of a node, from the facts. */
#include "config.h"

#include "cpufeat.h"
#include "isolset.h"

int isolset_default(const struct tl_path *p, struct cpuset *isolated, struct cpuset *nohz,
		    enum isol_origin *origin, struct tl_err *e)
{
	struct cpuid_source src;
	struct cpuset hk;
	struct tl_facts f;
	int r;

	cpuid_source_for_path(&src, p);
	r = facts_gather(&f, p, &src, e);
	if (r < 0)
		return r;
	*origin = facts_isolated_set(&f, NULL, ISOL_NONE, isolated, &hk);
	if (nohz) {
		cpuset_zero(nohz);
		if (f.has_sysfs_nohz_full)
			*nohz = f.sysfs_nohz_full;
	}
	facts_free(&f);
	return 0;
}
