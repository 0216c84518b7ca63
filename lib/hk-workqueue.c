// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unbound workqueues: the global cpumask in /sys/devices/virtual/workqueue
 * (a hex mask), then the per-workqueue masks of WQ_SYSFS workqueues that
 * still reach an isolated CPU, where the kernel lets us write them.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "housekeeping.h"

#define KNOB	 "workqueue_cpumask"
#define WQ_DIR	 "/sys/devices/virtual/workqueue"
#define MASK_MAX (TL_MAX_CPUS / 4 + TL_MAX_CPUS / 32 + 8)

/* Write one mask file and turn the outcome into a note; EINVAL/EPERM mean "not writable". */
static void wq_write(struct hk_state *s, const char *path, const struct cpuset *to,
		     struct hk_report *r)
{
	char val[MASK_MAX];
	struct tl_err e = {0};
	int ret;

	if (cpumask_format(to, s->nr_cpus, val, sizeof(val)) < 0)
		return;
	ret = hk_set(s, RJ_FMT_CPUMASK, path, val, &e);
	if (ret > 0)
		hk_report_add(r, HK_NOTE_APPLIED, KNOB, path, "set to %s", val);
	else if (ret == -EINVAL || ret == -EPERM)
		hk_report_add(r, HK_NOTE_INFO, KNOB, path, "not writable for this workqueue");
	else if (ret < 0 && ret != -ENOENT && !s->journal_failed)
		hk_report_add(r, HK_NOTE_ERROR, KNOB, path, "%s", e.msg);
}

/* A per-workqueue mask that reaches isolated CPUs keeps its housekeeping part. */
static void wq_one(struct hk_state *s, const char *name, struct hk_report *r)
{
	char path[PATH_MAX], *cur = NULL;
	struct cpuset set, to;

	snprintf(path, sizeof(path), WQ_DIR "/%s/cpumask", name);
	if (hk_io_read(s->p, path, &cur, NULL) < 0)
		return;
	if (cpumask_parse(cur, &set, NULL) == 0 && cpuset_intersects(&set, &s->isolated)) {
		cpuset_and(&to, &set, &s->housekeeping);
		if (cpuset_empty(&to))
			to = s->housekeeping;
		wq_write(s, path, &to, r);
	}
	free(cur);
}

/* Walk the per-workqueue directories (only WQ_SYSFS ones exist there). */
static void wq_each(struct hk_state *s, struct hk_report *r)
{
	struct dirent *de;
	DIR *d = tl_path_opendir(s->p, WQ_DIR);

	if (!d)
		return;
	while ((de = readdir(d)) && !s->journal_failed) {
		if (de->d_name[0] == '.')
			continue;
		wq_one(s, de->d_name, r);
	}
	closedir(d);
}

int hk_workqueue_apply(struct hk_state *s, struct hk_report *r)
{
	if (!tl_path_exists(s->p, WQ_DIR "/cpumask")) {
		hk_report_add(r, HK_NOTE_WARN, KNOB, WQ_DIR "/cpumask",
			      "not present: this kernel cannot confine unbound workqueues");
		return 0;
	}
	wq_write(s, WQ_DIR "/cpumask", &s->housekeeping, r);
	if (!s->journal_failed)
		wq_each(s, r);
	return s->journal_failed ? -EIO : 0;
}
