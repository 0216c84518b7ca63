// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Opt-in cgroup v2 cpuset partition: a child of the root cgroup owning the
 * isolated CPUs with cpuset.cpus.partition = isolated (Linux 6.1+), so the
 * scheduler stops load balancing there at runtime. The kernel reports an
 * unusable partition as "isolated invalid (reason)": that is a warning for
 * the user, and the journal still undoes every step.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "housekeeping.h"

#define KNOB	"cpuset_partition"
#define CG_ROOT "/sys/fs/cgroup"

/* Whether word appears as a whole word in a space-separated file (controllers lists). */
static bool cg_has_word(const struct tl_path *p, const char *path, const char *word)
{
	char *text = NULL, *tok, *save = NULL;
	bool found = false;

	if (hk_io_read(p, path, &text, NULL) < 0)
		return false;
	for (tok = strtok_r(text, " \t\n", &save); tok && !found;
	     tok = strtok_r(NULL, " \t\n", &save))
		found = strcmp(tok, word) == 0;
	free(text);
	return found;
}

/* cgroup v2 with the cpuset controller handed down to children, or a warning why not. */
static bool cg_usable(struct hk_state *s, struct hk_report *r)
{
	if (!cg_has_word(s->p, CG_ROOT "/cgroup.controllers", "cpuset")) {
		hk_report_add(r, HK_NOTE_WARN, KNOB, CG_ROOT,
			      "no cgroup v2 cpuset controller here: partition not created");
		return false;
	}
	if (!cg_has_word(s->p, CG_ROOT "/cgroup.subtree_control", "cpuset")) {
		hk_report_add(r, HK_NOTE_WARN, KNOB, CG_ROOT "/cgroup.subtree_control",
			      "cpuset is not enabled for child cgroups: partition not created");
		return false;
	}
	if (tl_path_exists(s->p, HK_CPUSET_CGROUP)) {
		hk_report_add(r, HK_NOTE_WARN, KNOB, HK_CPUSET_CGROUP,
			      "already exists and is not ours to change: left alone");
		return false;
	}
	return true;
}

/* Journal, then create the partition's cgroup. */
static int cg_create(struct hk_state *s, struct hk_report *r)
{
	struct tl_err e = {0};
	int ret;

	if (hk_journal_mkdir(s, HK_CPUSET_CGROUP, &e) < 0)
		return -EIO;
	ret = s->io->mkdir(s->io->ctx, s->p, HK_CPUSET_CGROUP);
	if (ret < 0)
		hk_report_add(r, HK_NOTE_ERROR, KNOB, HK_CPUSET_CGROUP, "cannot create: %s",
			      strerror(-ret));
	return ret;
}

/* One journaled write inside our cgroup; the caller stops at the first failure. */
static int cg_write(struct hk_state *s, enum rj_fmt fmt, const char *file, const char *val,
		    struct hk_report *r)
{
	char path[PATH_MAX];
	struct tl_err e = {0};
	int ret;

	snprintf(path, sizeof(path), HK_CPUSET_CGROUP "/%s", file);
	ret = hk_set(s, fmt, path, val, &e);
	if (ret == -EINVAL && !strcmp(file, "cpuset.cpus.partition"))
		hk_report_add(r, HK_NOTE_WARN, KNOB, path,
			      "the kernel refuses \"isolated\" (before 6.1, or CPUs in use)");
	else if (ret < 0 && !s->journal_failed)
		hk_report_add(r, HK_NOTE_ERROR, KNOB, path, "%s", e.msg);
	return ret;
}

/* Read the partition state back: "isolated invalid (reason)" is reported with its reason. */
static void cg_report_state(struct hk_state *s, struct hk_report *r)
{
	char *state = NULL;

	if (hk_io_read(s->p, HK_CPUSET_CGROUP "/cpuset.cpus.partition", &state, NULL) < 0)
		return;
	if (strstr(state, "invalid"))
		hk_report_add(r, HK_NOTE_WARN, KNOB, HK_CPUSET_CGROUP, "partition is \"%s\"",
			      state);
	else
		hk_report_add(r, HK_NOTE_APPLIED, KNOB, HK_CPUSET_CGROUP, "partition is \"%s\"",
			      state);
	free(state);
}

int hk_cpuset_apply(struct hk_state *s, struct hk_report *r)
{
	char cpus[4096];

	if (cpuset_empty(&s->isolated) || !cg_usable(s, r))
		return 0;
	if (cpulist_format(&s->isolated, cpus, sizeof(cpus)) < 0 || cg_create(s, r) < 0)
		return s->journal_failed ? -EIO : 0;
	if (cg_write(s, RJ_FMT_CPULIST, "cpuset.cpus", cpus, r) < 0)
		return s->journal_failed ? -EIO : 0;
	if (tl_path_exists(s->p, HK_CPUSET_CGROUP "/cpuset.cpus.exclusive") &&
	    cg_write(s, RJ_FMT_CPULIST, "cpuset.cpus.exclusive", cpus, r) < 0)
		return s->journal_failed ? -EIO : 0;
	if (cg_write(s, RJ_FMT_PARTITION, "cpuset.cpus.partition", "isolated", r) < 0)
		return s->journal_failed ? -EIO : 0;
	cg_report_state(s, r);
	return 0;
}
