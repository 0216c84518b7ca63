// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tlbisod's capability drop: once start-up is done (the socket created and
 * chowned, the journal replayed, housekeeping applied), keep only what the
 * loop, a reload and the final restore need. The uid stays 0: the files we
 * write (/proc/irq/N/smp_affinity_list, /proc/sys/..., the workqueue and
 * cgroup files under /sys, /run/tlbiso, /var/lib/tlbiso) are owned by root,
 * so the owner's mode bits grant the writes without CAP_DAC_OVERRIDE, and
 * the kernel checks no capability on those writes (an IRQ it cannot move
 * fails with EIO or EPERM whatever we hold). Not needed, so dropped:
 * CAP_SYS_ADMIN, CAP_DAC_OVERRIDE, CAP_CHOWN (the socket is chowned before).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

#include "daemon.h"

static const cap_value_t keep[] = {
	/*
	 * sched_setaffinity / sched_setscheduler on tasks we do not own: the
	 * workload engine places processes, housekeeping moves unbound
	 * kthreads and puts their affinity back on restore; migrate_pages and
	 * mbind for numa = "local" move another process's pages.
	 */
	CAP_SYS_NICE,
	/* The proc connector subscription when a reload rebuilds the engine (before Linux 6.6). */
	CAP_NET_ADMIN,
	/* A reload that changes the CPU sets re-reads the facts: our own CPU's MSR
	   (/dev/cpu/N/msr). */
	CAP_SYS_RAWIO,
	/*
	 * A reload that arms monitor.attribution reads /proc/kallsyms, whose
	 * addresses are zeros without it (held only with the drop-in that
	 * enables attribution).
	 */
	CAP_SYSLOG,
};

#define NKEEP ((int)(sizeof(keep) / sizeof(keep[0])))

/* Is cap in the permitted set of c? */
static bool cap_permitted(cap_t c, cap_value_t cap)
{
	cap_flag_value_t v = CAP_CLEAR;

	return cap_get_flag(c, cap, CAP_PERMITTED, &v) == 0 && v == CAP_SET;
}

/*
 * A uid-0 process regains every capability at execve (the hook): drop the
 * rest from the bounding set first, which needs CAP_SETPCAP, so that the
 * hook gets no more than we keep.
 */
static void drop_bounding(cap_t cur)
{
	if (!cap_permitted(cur, CAP_SETPCAP))
		return;
	for (cap_value_t v = 0; v <= CAP_LAST_CAP; v++) {
		bool kept = false;

		for (int i = 0; i < NKEEP; i++)
			kept |= keep[i] == v;
		if (!kept && CAP_IS_SUPPORTED(v))
			cap_drop_bound(v);
	}
}

/* "cap_sys_nice,cap_net_admin" of the kept set, or "none". */
static void describe(cap_t c, char *out, size_t outsz)
{
	char *s = cap_to_text(c, NULL);

	snprintf(out, outsz, "%s", s && *s && strcmp(s, "=") ? s : "none");
	cap_free(s);
}

int tlbisod_drop_caps(char *desc, size_t descsz, struct tl_err *e)
{
	cap_t cur = cap_get_proc(), want = cap_init();
	int r = 0;

	if (!cur || !want) {
		r = tl_err_sys(e, errno, "cap_get_proc");
		goto out;
	}
	/* Keep only what is held: under a sysroot as non-root that is nothing, and no error. */
	for (int i = 0; i < NKEEP; i++) {
		if (!cap_permitted(cur, keep[i]))
			continue;
		cap_set_flag(want, CAP_PERMITTED, 1, &keep[i], CAP_SET);
		cap_set_flag(want, CAP_EFFECTIVE, 1, &keep[i], CAP_SET);
	}
	drop_bounding(cur);
	if (cap_set_proc(want) < 0) {
		r = tl_err_sys(e, errno, "cap_set_proc");
		goto out;
	}
	describe(want, desc, descsz);
out:
	cap_free(cur);
	cap_free(want);
	return r;
}
