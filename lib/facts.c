// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Gather once, judge many times: check and the daemon both read these facts,
 * so they cannot disagree about the system.
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"

/* The two files without which nothing can be said: /proc is not usable. */
static int facts_read_proc(struct tl_facts *f, const struct tl_path *p, struct tl_err *e)
{
	int r;

	r = tl_path_read_line(p, "/proc/sys/kernel/osrelease", f->release, sizeof(f->release), e);
	if (r < 0)
		return r;
	r = cmdline_read(&f->cmdline, p, e);
	if (r < 0)
		return r;
	if (tl_path_read_line(p, "/proc/sys/kernel/random/boot_id", f->boot_id, sizeof(f->boot_id),
			      NULL) < 0)
		f->boot_id[0] = '\0';
	return 0;
}

/* The kernel config is optional: record why it is missing instead of failing. */
static void facts_read_kconfig(struct tl_facts *f, const struct tl_path *p)
{
	struct tl_err e = {0};

	if (kconfig_load(&f->kconfig, p, f->release, &e) < 0) {
		snprintf(f->kconfig_error, sizeof(f->kconfig_error), "%s", e.msg);
		f->kconfig.source = KCONFIG_NONE;
	} else if (f->kconfig.source == KCONFIG_NONE) {
		snprintf(f->kconfig_error, sizeof(f->kconfig_error),
			 "neither /proc/config.gz nor /boot/config-%s found", f->release);
	}
}

/* The isolation sysfs files exist only on kernels built with the feature. */
static void facts_read_sysfs(struct tl_facts *f, const struct tl_path *p)
{
	f->has_sysfs_nohz_full = tl_path_read_cpulist(p, "/sys/devices/system/cpu/nohz_full",
						      &f->sysfs_nohz_full, NULL) == 0;
	if (!f->has_sysfs_nohz_full)
		cpuset_zero(&f->sysfs_nohz_full);
	f->has_sysfs_isolated = tl_path_read_cpulist(p, "/sys/devices/system/cpu/isolated",
						     &f->sysfs_isolated, NULL) == 0;
	if (!f->has_sysfs_isolated)
		cpuset_zero(&f->sysfs_isolated);
}

/* Topology: heap-allocated; a failure leaves it NULL with the reason kept. */
static int facts_read_topo(struct tl_facts *f, const struct tl_path *p, struct tl_err *e)
{
	struct tl_err te = {0};

	f->topo = malloc(sizeof(*f->topo));
	if (!f->topo)
		return tl_err_set(e, ENOMEM, "out of memory for the topology");
	if (topo_read(f->topo, p, &te) < 0) {
		snprintf(f->topo_error, sizeof(f->topo_error), "%s", te.msg);
		free(f->topo);
		f->topo = NULL;
	}
	return 0;
}

int facts_gather(struct tl_facts *f, const struct tl_path *p, const struct cpuid_source *src,
		 struct tl_err *e)
{
	struct tl_err ce = {0};
	int r;

	memset(f, 0, sizeof(*f));
	r = facts_read_proc(f, p, e);
	if (r < 0)
		return r;
	facts_read_kconfig(f, p);
	if (cpufeat_read(&f->cpu, p, src, &ce) < 0)
		snprintf(f->cpu_error, sizeof(f->cpu_error), "%s", ce.msg);
	facts_read_sysfs(f, p);
	r = facts_read_topo(f, p, e);
	if (r < 0)
		facts_free(f);
	return r;
}

void facts_free(struct tl_facts *f)
{
	kconfig_free(&f->kconfig);
	free(f->topo);
	f->topo = NULL;
}

const char *isol_origin_name(enum isol_origin o)
{
	switch (o) {
	case ISOL_CLI:
		return "cli";
	case ISOL_CONFIG:
		return "config";
	case ISOL_NOHZ_FULL:
		return "nohz_full";
	case ISOL_ISOLCPUS:
		return "isolated";
	case ISOL_NONE:
		break;
	}
	return "none";
}

/*
 * The kernel's own view first (sysfs), then the command line when the sysfs
 * file is missing (a kernel without the feature still shows the intent).
 */
static enum isol_origin facts_implicit_set(const struct tl_facts *f, struct cpuset *isolated)
{
	if (f->has_sysfs_nohz_full && !cpuset_empty(&f->sysfs_nohz_full)) {
		*isolated = f->sysfs_nohz_full;
		return ISOL_NOHZ_FULL;
	}
	if (!f->has_sysfs_nohz_full && f->cmdline.has_nohz_full &&
	    !cpuset_empty(&f->cmdline.nohz_full)) {
		*isolated = f->cmdline.nohz_full;
		return ISOL_NOHZ_FULL;
	}
	if (f->has_sysfs_isolated && !cpuset_empty(&f->sysfs_isolated)) {
		*isolated = f->sysfs_isolated;
		return ISOL_ISOLCPUS;
	}
	if (!f->has_sysfs_isolated && f->cmdline.has_isolcpus &&
	    !cpuset_empty(&f->cmdline.isolcpus)) {
		*isolated = f->cmdline.isolcpus;
		return ISOL_ISOLCPUS;
	}
	cpuset_zero(isolated);
	return ISOL_NONE;
}

enum isol_origin facts_isolated_set(const struct tl_facts *f, const struct cpuset *explicit_set,
				    enum isol_origin explicit_origin, struct cpuset *isolated,
				    struct cpuset *housekeeping)
{
	enum isol_origin o;

	if (explicit_set) {
		*isolated = *explicit_set;
		o = cpuset_empty(isolated) ? ISOL_NONE : explicit_origin;
	} else {
		o = facts_implicit_set(f, isolated);
	}
	if (f->topo)
		cpuset_andnot(housekeeping, &f->topo->online, isolated);
	else
		cpuset_zero(housekeeping);
	return o;
}

int facts_pin_housekeeping(const struct tl_path *p, const struct cpuset *isolated, struct tl_err *e)
{
	struct cpuset online, iso, other, hk;
	cpu_set_t set;

	if (!p->live || tl_path_read_cpulist(p, "/sys/devices/system/cpu/online", &online, e) < 0)
		return 0;
	if (isolated) {
		iso = *isolated;
	} else {
		cpuset_zero(&iso);
		if (tl_path_read_cpulist(p, "/sys/devices/system/cpu/nohz_full", &other, NULL) == 0)
			cpuset_or(&iso, &iso, &other);
		if (tl_path_read_cpulist(p, "/sys/devices/system/cpu/isolated", &other, NULL) == 0)
			cpuset_or(&iso, &iso, &other);
	}
	cpuset_andnot(&hk, &online, &iso);
	if (cpuset_empty(&hk) || cpuset_empty(&iso))
		return 0;
	cpuset_to_glibc(&hk, &set, sizeof(set));
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return tl_err_sys(e, errno, "cannot move to the housekeeping CPUs");
	return 0;
}
