/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Everything tlbiso knows about a system, gathered once through a path
 * context: kernel release and command line, kernel config, CPU features,
 * topology, and the isolation sysfs files. Both `tlbisoctl check` and the
 * daemon's deferral verdict read from this, so they can never disagree.
 */
#ifndef TLBISO_FACTS_H
#define TLBISO_FACTS_H

#include "cmdline.h"
#include "cpufeat.h"
#include "cpuset.h"
#include "kconfig.h"
#include "path.h"
#include "topo.h"

struct tl_facts {
	char release[128];	/* proc/sys/kernel/osrelease, "" if unreadable */
	char boot_id[64];	/* proc/sys/kernel/random/boot_id, "" if unreadable */
	struct cmdline cmdline;
	struct kconfig kconfig;
	struct cpu_features cpu;
	struct topology *topo;	/* heap: large */
	bool has_sysfs_nohz_full, has_sysfs_isolated;
	struct cpuset sysfs_nohz_full;	/* /sys/devices/system/cpu/nohz_full */
	struct cpuset sysfs_isolated;	/* /sys/devices/system/cpu/isolated */
	/* Why a part is unknown, "" when it was read: shown as evidence by check. */
	char kconfig_error[TL_ERR_MSG_MAX];
	char cpu_error[TL_ERR_MSG_MAX];
	char topo_error[TL_ERR_MSG_MAX];
};

/*
 * Gather the facts. Only an unreadable /proc (no cmdline, no osrelease) is an
 * error: tlbisoctl check exits 3 then. Everything else missing is recorded as
 * unknown and judged by the checks.
 */
int facts_gather(struct tl_facts *f, const struct tl_path *p, const struct cpuid_source *src,
		 struct tl_err *e);
void facts_free(struct tl_facts *f);

/* Where the intended isolated set came from. */
enum isol_origin { ISOL_NONE, ISOL_CLI, ISOL_CONFIG, ISOL_NOHZ_FULL, ISOL_ISOLCPUS };
const char *isol_origin_name(enum isol_origin o);

/*
 * Resolve the intended isolated set: explicit (CLI or config) when given,
 * otherwise nohz_full, otherwise isolated. housekeeping = online - isolated.
 */
enum isol_origin facts_isolated_set(const struct tl_facts *f, const struct cpuset *explicit_set,
				    enum isol_origin explicit_origin, struct cpuset *isolated,
				    struct cpuset *housekeeping);

/*
 * Move the calling process to the housekeeping CPUs before it reads
 * anything, so tlbiso itself never runs on an isolated CPU: online CPUs
 * minus isolated (when given) or minus the kernel's nohz_full and isolated
 * sets. Live systems only; does nothing when no CPU would be left.
 */
int facts_pin_housekeeping(const struct tl_path *p, const struct cpuset *isolated,
			   struct tl_err *e);

#endif
