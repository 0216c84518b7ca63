// SPDX-License-Identifier: GPL-2.0-or-later
/* The table and the tlbiso.trace/1 JSON of an IPI attribution. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "ipireport.h"
#include "kallsyms.h"

/* The sender object: pid null when the kernel path could not name one. */
static struct json_object *sender_json(const struct taskid *w)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "pid", w->pid >= 0 ? json_object_new_int(w->pid) : NULL);
	json_object_object_add(o, "tid", w->tid >= 0 ? json_object_new_int(w->tid) : NULL);
	json_object_object_add(o, "comm", json_object_new_string(w->pid >= 0 ? w->comm : ""));
	json_object_object_add(o, "unit", json_object_new_string(w->unit));
	return o;
}

static struct json_object *entry_json(const struct ipiagg_entry *x)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "target_cpu", json_object_new_int(x->target_cpu));
	json_object_object_add(o, "sender", sender_json(&x->who));
	json_object_object_add(o, "callsite", json_object_new_string(x->callsite_s));
	json_object_object_add(o, "callback", json_object_new_string(x->callback_s));
	json_object_object_add(o, "class", json_object_new_string(ipiclass_name(x->cls)));
	json_object_object_add(o, "count", json_object_new_int64((int64_t)x->count));
	json_object_object_add(o, "remedy", json_object_new_string(ipiclass_remedy(x->cls)));
	return o;
}

struct json_object *ipireport_json(const struct ipiagg *a, const struct ipireport_meta *m)
{
	const struct ipiagg_entry **v = malloc((a->n + 1) * sizeof(*v));
	struct json_object *doc, *arr;
	size_t n;

	if (!v)
		return NULL;
	n = ipiagg_sorted(a, v, a->n);
	doc = json_object_new_object();
	arr = json_object_new_array();
	json_object_object_add(doc, "schema", json_object_new_string(IPIREPORT_SCHEMA));
	json_object_object_add(doc, "kernel_path", json_object_new_string(m->kernel_path));
	json_object_object_add(doc, "cpus", json_object_new_string(m->cpus));
	json_object_object_add(doc, "duration_s", json_object_new_double(m->duration_s));
	json_object_object_add(doc, "lost", json_object_new_int64((int64_t)m->lost));
	json_object_object_add(doc, "symbols_hidden", json_object_new_boolean(m->symbols_hidden));
	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, entry_json(v[i]));
	json_object_object_add(doc, "entries", arr);
	free(v);
	return doc;
}

/* "comm[pid]" or "?" when the receiver path could not name the sender. */
static void sender_label(const struct taskid *w, char *out, size_t outsz)
{
	if (w->pid < 0)
		snprintf(out, outsz, "?");
	else
		snprintf(out, outsz, "%s[%d]", w->comm[0] ? w->comm : "(exited)", (int)w->pid);
}

int ipireport_table(FILE *out, const struct ipiagg *a, const struct ipireport_meta *m)
{
	const struct ipiagg_entry **v = malloc((a->n + 1) * sizeof(*v));
	char who[64];
	size_t n;

	if (!v)
		return -ENOMEM;
	n = ipiagg_sorted(a, v, a->n);
	fprintf(out, "IPIs to CPUs %s in %.1f s (%s side), lost %llu\n", m->cpus, m->duration_s,
		m->kernel_path, (unsigned long long)m->lost);
	if (m->symbols_hidden)
		fprintf(out, "note: %s\n", KALLSYMS_HIDDEN_HINT);
	fprintf(out, "%-4s %10s  %-18s %-24s %-20s %-32s %s\n", "CPU", "COUNT", "CLASS", "SENDER",
		"UNIT", "CALLSITE", "CALLBACK");
	for (size_t i = 0; i < n; i++) {
		sender_label(&v[i]->who, who, sizeof(who));
		fprintf(out, "%-4d %10llu  %-18s %-24s %-20s %-32s %s\n", v[i]->target_cpu,
			(unsigned long long)v[i]->count, ipiclass_name(v[i]->cls), who,
			v[i]->who.unit[0] ? v[i]->who.unit : "-", v[i]->callsite_s,
			v[i]->callback_s[0] ? v[i]->callback_s : "-");
	}
	if (n == 0)
		fprintf(out, "(no IPIs reached these CPUs)\n");
	else
		fprintf(out, "\nRemedies:\n");
	for (int c = 0; c < IPI_CLASS_COUNT && n; c++)
		for (size_t i = 0; i < n; i++)
			if (v[i]->cls == (enum ipi_class)c) {
				fprintf(out, "  %-18s %s\n", ipiclass_name(c), ipiclass_remedy(c));
				break;
			}
	free(v);
	return 0;
}
