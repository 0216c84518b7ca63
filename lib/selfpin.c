// SPDX-License-Identifier: GPL-2.0-or-later
/* Pinning tlbiso's own process to the housekeeping CPUs. */
#include "config.h"

#include <errno.h>
#include <sched.h>

#include "selfpin.h"

int selfpin_away(const struct tl_path *p, const struct cpuset *isolated, struct tl_err *e)
{
	struct cpuset online, hk;
	cpu_set_t set;
	int r;

	r = tl_path_read_cpulist(p, "/sys/devices/system/cpu/online", &online, e);
	if (r < 0)
		return r;
	cpuset_andnot(&hk, &online, isolated);
	if (cpuset_empty(&hk))
		return 0;
	cpuset_to_glibc(&hk, &set, sizeof(set));
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return tl_err_sys(e, errno, "cannot pin to the housekeeping CPUs");
	return 0;
}
