// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The workloads part of `tlbisoctl status`, as text, from the JSON the
 * daemon sends (workload_engine_status_json), so the CLI needs no engine.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "workload-engine.h"

/* A string member, or def when absent (extra or missing keys never matter). */
static const char *rw_str(struct json_object *o, const char *key, const char *def)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return def;
	return json_object_get_string(v);
}

/* An integer member, or def. */
static int rw_int(struct json_object *o, const char *key, int def)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return def;
	return json_object_get_int(v);
}

/* "fifo 10", "rr 5", "other" or "" when the rule keeps the process's policy. */
static void rw_policy(struct json_object *w, char *out, size_t n)
{
	const char *p = rw_str(w, "policy", "keep");

	if (!strcmp(p, "fifo") || !strcmp(p, "rr"))
		snprintf(out, n, " %s %d", p, rw_int(w, "priority", 0));
	else if (!strcmp(p, "other"))
		snprintf(out, n, " other");
	else
		out[0] = '\0';
}

/* One workload: a header line, then one line per thread. */
static void rw_workload(FILE *out, struct json_object *w)
{
	struct json_object *threads;
	char pol[32];

	rw_policy(w, pol, sizeof(pol));
	fprintf(out, "  %-16s pid %-7d rule %s: cpus %s (%s)%s", rw_str(w, "comm", "?"),
		rw_int(w, "pid", 0), rw_str(w, "rule", "?"), rw_str(w, "cpus", "?"),
		rw_str(w, "threads_layout", "all"), pol);
	if (strcmp(rw_str(w, "numa", "none"), "none"))
		fprintf(out, " numa %s -> nodes %s", rw_str(w, "numa", "?"),
			*rw_str(w, "nodes", "") ? rw_str(w, "nodes", "") : "unknown");
	fputc('\n', out);
	if (strcmp(rw_str(w, "error", ""), ""))
		fprintf(out, "    error: %s\n", rw_str(w, "error", ""));
	if (!json_object_object_get_ex(w, "threads", &threads))
		return;
	for (size_t i = 0; i < json_object_array_length(threads); i++) {
		struct json_object *t = json_object_array_get_idx(threads, i);

		fprintf(out, "    tid %-7d cpus %s\n", rw_int(t, "tid", 0), rw_str(t, "cpus", "?"));
	}
}

void workload_status_render_text(FILE *out, struct json_object *status)
{
	struct json_object *list;
	size_t n;

	if (!status || !json_object_object_get_ex(status, "workloads", &list))
		return;
	n = json_object_array_length(list);
	fprintf(out, "Workloads: %zu, %d rule%s, new processes found by %s", n,
		rw_int(status, "rules", 0), rw_int(status, "rules", 0) == 1 ? "" : "s",
		!strcmp(rw_str(status, "mode", "off"), "events") ? "proc connector events"
								 : "scanning /proc");
	if (strcmp(rw_str(status, "mode_reason", ""), ""))
		fprintf(out, " (%s)", rw_str(status, "mode_reason", ""));
	fputc('\n', out);
	for (size_t i = 0; i < n; i++)
		rw_workload(out, json_object_array_get_idx(list, i));
}
