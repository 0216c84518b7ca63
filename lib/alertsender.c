// SPDX-License-Identifier: GPL-2.0-or-later
/* The senders an alert names, in each output's format; see alertsender.h. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "alertsender.h"
#include "classify.h"

unsigned alertsender_class_mask(enum alert_type type, int source)
{
	switch (type) {
	case AL_TLB_SHOOTDOWN:
		return IPI_CLASS_BIT(IPI_CLASS_USER_MM_SHOOTDOWN);
	case AL_KERNEL_TLB_FLUSH:
		return IPI_CLASS_BIT(IPI_CLASS_KERNEL_TLB_FLUSH);
	case AL_DEFERRAL_REGRESSED:
		/* The state-file alert is about the boot, not a window of IPIs. */
		return source == SRC_CAL ? IPI_CLASS_BIT(IPI_CLASS_KERNEL_TLB_FLUSH) : 0;
	case AL_IPI_OTHER:
		if (source == SRC_RES)
			return IPI_CLASS_BIT(IPI_CLASS_RESCHEDULE);
		if (source == SRC_IWI)
			return IPI_CLASS_BIT(IPI_CLASS_IRQ_WORK);
		/*
		 * CAL net of TLB: every function call but shootdowns (counted
		 * in TLB); a kernel flush is here too with one isolated CPU.
		 */
		return source == SRC_CAL
			       ? IPI_CLASS_ALL & ~(IPI_CLASS_BIT(IPI_CLASS_RESCHEDULE) |
						   IPI_CLASS_BIT(IPI_CLASS_IRQ_WORK) |
						   IPI_CLASS_BIT(IPI_CLASS_USER_MM_SHOOTDOWN))
			       : 0;
	default:
		return 0;
	}
}

/*
 * Task names come from /proc and may hold any byte: control characters
 * become '?' (a newline would split a log line), and in the compact list
 * spaces become '_' so that the list stays split on spaces.
 */
static void clean(const char *in, char *out, size_t outsz, bool list)
{
	size_t i = 0;

	for (; *in && i + 1 < outsz; in++) {
		unsigned char c = (unsigned char)*in;

		out[i++] = c < 0x20 || c == 0x7f ? '?' : list && c == ' ' ? '_' : (char)c;
	}
	out[i] = '\0';
}

/* "comm[pid]", "(exited)[pid]" when the task is gone, "?" when the kernel path could not say. */
static void who(const struct ipi_sender *s, char *out, size_t outsz, bool list)
{
	char comm[sizeof(s->comm)];

	if (s->pid < 0) {
		snprintf(out, outsz, "?");
		return;
	}
	clean(s->comm[0] ? s->comm : "(exited)", comm, sizeof(comm), list);
	snprintf(out, outsz, "%s[%d]", comm, (int)s->pid);
}

void alertsender_describe(const struct ipi_sender *s, char *out, size_t outsz)
{
	char w[64], unit[sizeof(s->unit)];
	size_t n;

	if (s->pid < 0)
		snprintf(w, sizeof(w), "an unnamed sender");
	else
		who(s, w, sizeof(w), false);
	clean(s->unit, unit, sizeof(unit), false);
	n = (size_t)snprintf(out, outsz, "%s", w);
	if (unit[0] && n < outsz)
		n += (size_t)snprintf(out + n, outsz - n, " (%s)", unit);
	if (s->callsite[0] && n < outsz)
		snprintf(out + n, outsz - n, " via %s", s->callsite);
}

void alertsender_list(const struct alert_senders *as, char *out, size_t outsz)
{
	size_t n = 0;
	char w[64];

	out[0] = '\0';
	for (size_t i = 0; as && i < as->n && n < outsz; i++) {
		who(&as->s[i], w, sizeof(w), true);
		n += (size_t)snprintf(out + n, outsz - n, "%s%s:%s:%llu", i ? " " : "", w,
				      ipiclass_name(as->s[i].cls),
				      (unsigned long long)as->s[i].count);
	}
}

int alertsender_vars(const struct alert_senders *as, char (*out)[ALERTSENDER_VAR_MAX])
{
	const struct ipi_sender *s;
	char comm[sizeof(s->comm)], unit[sizeof(s->unit)], list[ALERTSENDER_VAR_MAX - 16];
	int n = 0;

	if (!as || !as->n)
		return 0;
	s = &as->s[0];
	clean(s->pid < 0 ? "" : s->comm, comm, sizeof(comm), false);
	clean(s->unit, unit, sizeof(unit), false);
	alertsender_list(as, list, sizeof(list));
	snprintf(out[n++], ALERTSENDER_VAR_MAX, "TLBISO_SENDER_COMM=%s", comm);
	if (s->pid < 0)
		snprintf(out[n++], ALERTSENDER_VAR_MAX, "TLBISO_SENDER_PID=");
	else
		snprintf(out[n++], ALERTSENDER_VAR_MAX, "TLBISO_SENDER_PID=%d", (int)s->pid);
	snprintf(out[n++], ALERTSENDER_VAR_MAX, "TLBISO_SENDER_UNIT=%s", unit);
	snprintf(out[n++], ALERTSENDER_VAR_MAX, "TLBISO_SENDER_CALLSITE=%s", s->callsite);
	snprintf(out[n++], ALERTSENDER_VAR_MAX, "TLBISO_SENDER_CLASS=%s", ipiclass_name(s->cls));
	snprintf(out[n++], ALERTSENDER_VAR_MAX, "TLBISO_SENDER_COUNT=%llu",
		 (unsigned long long)s->count);
	snprintf(out[n++], ALERTSENDER_VAR_MAX, "TLBISO_SENDERS=%s", list);
	return n;
}

/* One sender; pid and tid null when the kernel path could not name one, as in tlbiso.trace/1. */
static json_object *sender_json(const struct ipi_sender *s)
{
	json_object *o = json_object_new_object();
	bool known = s->pid >= 0;

	json_object_object_add(o, "pid", known ? json_object_new_int(s->pid) : NULL);
	json_object_object_add(o, "tid", known && s->tid >= 0 ? json_object_new_int(s->tid) : NULL);
	json_object_object_add(o, "comm", json_object_new_string(known ? s->comm : ""));
	json_object_object_add(o, "unit", json_object_new_string(s->unit));
	json_object_object_add(o, "callsite", json_object_new_string(s->callsite));
	json_object_object_add(o, "callback", json_object_new_string(s->callback));
	json_object_object_add(o, "class", json_object_new_string(ipiclass_name(s->cls)));
	json_object_object_add(o, "count", json_object_new_int64((int64_t)s->count));
	json_object_object_add(o, "target_cpu",
			       s->target_cpu >= 0 ? json_object_new_int(s->target_cpu) : NULL);
	return o;
}

json_object *alertsender_json(const struct alert_senders *as)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; as && i < as->n; i++)
		json_object_array_add(a, sender_json(&as->s[i]));
	return a;
}
