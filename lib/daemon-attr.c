// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tlbisod's IPI attribution (monitor.attribution): the tracer armed once for
 * the isolated CPUs, read without waiting from the loop and at each sample,
 * and the top senders of each IPI alert's window kept per alert slot for the
 * journal, the hook and status. Arming and disarming flip static keys, which
 * sends text-patching IPIs to every CPU: both are logged, and nothing re-arms
 * needlessly.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "alert-ids.h"
#include "daemon.h"
#include "kallsyms.h"

/* Rounds of budget_pages per CPU one read may take: bounded, so a flood cannot stall the loop. */
#define ATTR_READ_ROUNDS 8

/*
 * The alert window in whole seconds, as the aggregation counts them: the
 * aggregation's seconds are calendar-aligned, so a window that starts inside
 * a second needs that second too.
 */
static unsigned attr_window_s(const struct tlbisod *d)
{
	long ms = (long)d->conf.monitor.window * d->conf.monitor.interval_ms;
	long s = (ms + 999) / 1000 + 1;

	return s < 1 ? 1 : s > IPIAGG_SLOTS ? IPIAGG_SLOTS : (unsigned)s;
}

/* Structured fields of the arm and disarm entries. */
static void attr_log(const struct tlbisod *d, int prio, const char *state, const char *msg)
{
	char f1[64], f2[64];
	const char *f[] = {"MESSAGE_ID=" TLBISOD_MESSAGE_ID_LIFECYCLE, f1, f2, NULL};

	snprintf(f1, sizeof(f1), "TLBISO_ATTRIBUTION=%s", state);
	snprintf(f2, sizeof(f2), "TLBISO_IPI_EVERY_CPU=%d", strcmp(state, "unavailable") ? 1 : 0);
	tl_log_fields(d->log, prio, f, "%s", msg);
}

/* Attribution wanted but impossible: say why once, and carry on without it. */
static void attr_unavailable(struct tlbisod *d, const char *why)
{
	char msg[TL_ERR_MSG_MAX + 96];

	snprintf(d->attr_reason, sizeof(d->attr_reason), "%s", why);
	snprintf(msg, sizeof(msg), "IPI attribution unavailable: %s; alerts will not name senders",
		 why);
	attr_log(d, LOG_WARNING, "unavailable", msg);
}

/* Disable the events and remove the instance: IPIs to every CPU once more. */
static void attr_disarm(struct tlbisod *d, const char *why)
{
	char msg[256];

	if (!d->trace)
		return;
	ipitrace_close(d->trace);
	d->trace = NULL;
	memset(d->senders, 0, sizeof(d->senders));
	snprintf(msg, sizeof(msg),
		 "IPI attribution disarmed (%s): disabling the tracepoints flipped static keys: "
		 "text-patching IPIs to every CPU",
		 why);
	attr_log(d, LOG_INFO, "disarmed", msg);
}

/* Say what arming cost, once, and what the instance is called. */
static void attr_armed(struct tlbisod *d)
{
	char cpus[256], msg[512];

	if (cpulist_format(&d->trace_targets, cpus, sizeof(cpus)) < 0)
		snprintf(cpus, sizeof(cpus), "?");
	snprintf(msg, sizeof(msg),
		 "IPI attribution armed for CPUs %s (%s side, tracefs instance %s): enabling the "
		 "tracepoints flipped static keys: text-patching IPIs to every CPU, once",
		 cpus, ipitrace_path_name(ipitrace_kernel_path(d->trace)),
		 ipitrace_instance_name(d->trace));
	attr_log(d, LOG_INFO, "armed", msg);
	if (ipitrace_symbols_hidden(d->trace))
		tl_log(d->log, LOG_NOTICE, "IPI attribution: callsites are raw %s",
		       KALLSYMS_HIDDEN_HINT);
}

/* Clean instances left by dead processes, then arm for the isolated CPUs. */
static void attr_arm(struct tlbisod *d)
{
	struct ipitrace_opts o = {.targets = d->isolated};
	struct tl_err e = {0};
	int r;

	if (!d->path.live)
		return attr_unavailable(d, "a sysroot describes another machine than this kernel");
	if (cpuset_empty(&d->isolated))
		return attr_unavailable(d, "no isolated CPUs to attribute IPIs to");
	r = ipitrace_clean_stale(&e);
	if (r > 0)
		tl_log(d->log, LOG_INFO, "removed %d tracefs instance%s left by dead processes", r,
		       r == 1 ? "" : "s");
	if (ipitrace_open(&d->trace, &d->path, &o, &e) < 0)
		return attr_unavailable(d, e.msg);
	d->trace_targets = d->isolated;
	d->attr_reason[0] = '\0';
	d->attr_lost = 0;
	memset(d->senders, 0, sizeof(d->senders));
	attr_armed(d);
}

void tlbisod_attr_apply(struct tlbisod *d)
{
	if (!d->conf.monitor.attribution) {
		d->attr_reason[0] = '\0';
		attr_disarm(d, "monitor.attribution is off");
		return;
	}
	/* Unchanged: keep the armed instance, since each arm interrupts every CPU. */
	if (d->trace && cpuset_equal(&d->trace_targets, &d->isolated))
		return;
	attr_disarm(d, "the isolated CPUs changed");
	attr_arm(d);
}

int tlbisod_attr_fds(const struct tlbisod *d, int *fds, int max)
{
	return d->trace ? ipitrace_fds(d->trace, fds, max) : 0;
}

void tlbisod_attr_read(struct tlbisod *d, int fd)
{
	struct tl_err e = {0};
	int r = 0;

	if (!d->trace)
		return;
	for (int i = 0; i < (fd < 0 ? ATTR_READ_ROUNDS : 1); i++) {
		r = ipitrace_on_readable(d->trace, fd, &e);
		if (r <= 0)
			break;
	}
	/* A read error is logged when it starts, not at every wake-up. */
	if (r < 0 && !d->attr_read_failed)
		tl_log(d->log, LOG_WARNING, "IPI attribution: %s", e.msg);
	d->attr_read_failed = r < 0;
}

void tlbisod_attr_attach(struct tlbisod *d)
{
	struct alert_senders found;

	if (!d->trace)
		return;
	for (int i = 0; i < ALERT_SLOTS; i++) {
		const struct alert *a = &d->alerts.slot[i];
		unsigned mask = alertsender_class_mask(a->type, a->source);

		if (!a->active || !mask) {
			d->senders[i].n = 0;
			continue;
		}
		/*
		 * Only while the rate is above the threshold (quiet 0): once it
		 * falls, the window holds background IPIs, and the alert keeps
		 * naming the senders that raised it until it clears.
		 */
		if (a->quiet)
			continue;
		found.n = ipitrace_top_senders(
			d->trace, attr_window_s(d), mask,
			cpuset_count(&a->cpus) == 1 ? cpuset_next(&a->cpus, 0) : -1, found.s,
			ALERTSENDER_MAX);
		d->senders[i] = found;
	}
}

void tlbisod_attr_tick(struct tlbisod *d)
{
	if (d->trace)
		d->attr_lost = ipitrace_lost(d->trace);
}

void tlbisod_attr_stop(struct tlbisod *d)
{
	attr_disarm(d, "stopping");
}

const struct alert_senders *tlbisod_alert_senders(const struct tlbisod *d, const struct alert *a)
{
	ptrdiff_t i = a - d->alerts.slot;

	if (!d->trace || i < 0 || i >= ALERT_SLOTS || !d->senders[i].n)
		return NULL;
	return &d->senders[i];
}

json_object *tlbisod_attr_status(const struct tlbisod *d)
{
	json_object *o = json_object_new_object();
	const char *state = d->trace			   ? "armed"
			    : !d->conf.monitor.attribution ? "off"
							   : "unavailable";
	char cpus[256];

	json_object_object_add(o, "state", json_object_new_string(state));
	if (!d->trace && d->conf.monitor.attribution)
		json_object_object_add(o, "reason", json_object_new_string(d->attr_reason));
	json_object_object_add(o, "lost", json_object_new_int64((int64_t)d->attr_lost));
	if (!d->trace)
		return o;
	if (cpulist_format(&d->trace_targets, cpus, sizeof(cpus)) < 0)
		snprintf(cpus, sizeof(cpus), "?");
	json_object_object_add(o, "cpus", json_object_new_string(cpus));
	json_object_object_add(
		o, "kernel_path",
		json_object_new_string(ipitrace_path_name(ipitrace_kernel_path(d->trace))));
	json_object_object_add(o, "instance",
			       json_object_new_string(ipitrace_instance_name(d->trace)));
	json_object_object_add(o, "symbols_hidden",
			       json_object_new_boolean(ipitrace_symbols_hidden(d->trace)));
	json_object_object_add(o, "window_s", json_object_new_int((int)attr_window_s(d)));
	return o;
}
