// SPDX-License-Identifier: GPL-2.0-or-later
/* Kprobes for kernel-range TLB flushes on the receiver path. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipiprobe.h"

static const struct {
	const char *event, *func;
	enum ipiprobe_kind kind;
} ipiprobe_table[IPIPROBE_MAX] = {
	{"krange_run", "do_kernel_range_flush", IPIPROBE_FLUSH_RUN},
	{"kall_run", "do_flush_tlb_all", IPIPROBE_FLUSH_RUN},
	{"krange_send", "flush_tlb_kernel_range", IPIPROBE_FLUSH_SEND},
	{"kall_send", "flush_tlb_all", IPIPROBE_FLUSH_SEND},
};

/* Place one probe and enable it in the instance; false when the kernel refuses. */
static bool ipiprobe_one(struct ipiprobe *pr, struct tracefs_instance *inst, struct tep_handle *tep,
			 int i)
{
	struct tracefs_dynevent *d;

	d = pr->api->tracefs_kprobe_alloc(pr->system, ipiprobe_table[i].event,
					  ipiprobe_table[i].func, NULL);
	if (!d)
		return false;
	if (pr->api->tracefs_dynevent_create(d) < 0) {
		pr->api->tracefs_dynevent_free(d);
		return false;
	}
	pr->dev[pr->n] = d;
	pr->ev[pr->n] = pr->api->tracefs_dynevent_get_event(tep, d);
	pr->kind[pr->n] = ipiprobe_table[i].kind;
	pr->n++;
	pr->api->tracefs_event_enable(inst, pr->system, ipiprobe_table[i].event);
	return true;
}

int ipiprobe_create(struct ipiprobe *pr, const struct tl_tracefs *api,
		    struct tracefs_instance *inst, struct tep_handle *tep, pid_t owner)
{
	memset(pr, 0, sizeof(*pr));
	pr->api = api;
	snprintf(pr->system, sizeof(pr->system), "tlbiso_%d", (int)owner);
	for (int i = 0; i < IPIPROBE_MAX; i++)
		ipiprobe_one(pr, inst, tep, i);
	return pr->n;
}

enum ipiprobe_kind ipiprobe_kind_of(const struct ipiprobe *pr, const struct tep_event *ev)
{
	for (int i = 0; ev && i < pr->n; i++)
		if (pr->ev[i] == ev)
			return pr->kind[i];
	return IPIPROBE_NONE;
}

void ipiprobe_destroy(struct ipiprobe *pr)
{
	for (int i = 0; i < pr->n; i++) {
		pr->api->tracefs_dynevent_destroy(pr->dev[i], true);
		pr->api->tracefs_dynevent_free(pr->dev[i]);
	}
	pr->n = 0;
}

/* True when a group name is ours and its process is gone. */
static bool ipiprobe_stale(const char *system)
{
	char *end;
	long pid;

	if (!system || strncmp(system, "tlbiso_", 7))
		return false;
	pid = strtol(system + 7, &end, 10);
	return end != system + 7 && !*end && pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

int ipiprobe_clean_stale(const struct tl_tracefs *api)
{
	struct tracefs_dynevent **all =
		api->tracefs_dynevent_get_all(TRACEFS_DYNEVENT_KPROBE, NULL);
	int removed = 0;

	for (int i = 0; all && all[i]; i++) {
		char *system = NULL;

		api->tracefs_dynevent_info(all[i], &system, NULL, NULL, NULL, NULL);
		if (ipiprobe_stale(system) && api->tracefs_dynevent_destroy(all[i], true) == 0)
			removed++;
		free(system);
	}
	api->tracefs_dynevent_list_free(all);
	return removed;
}
