// SPDX-License-Identifier: GPL-2.0-or-later
/* The parsed /proc/interrupts table, as text and as JSON. */
#include "config.h"

#include "render.h"

/* A per-CPU row as JSON: name, description, one count per column. */
static json_object *row_json(const struct irq_table *t, const struct irq_row *r)
{
	json_object *o = json_object_new_object(), *counts = json_object_new_array();

	json_object_object_add(o, "name", json_object_new_string(r->name));
	json_object_object_add(
		o, "description",
		json_object_new_string_len(r->desc ? r->desc : "", (int)r->desc_len));
	for (int c = 0; c < t->ncols; c++)
		json_object_array_add(counts, json_object_new_int64(r->counts[c]));
	json_object_object_add(o, "counts", counts);
	return o;
}

/* A global row (ERR, MIS): one value. */
static json_object *global_json(const struct irq_row *r)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(r->name));
	json_object_object_add(o, "value", json_object_new_int64(r->global_value));
	return o;
}

json_object *render_interrupts_json(const struct irq_table *t)
{
	json_object *o = json_object_new_object(), *cpus = json_object_new_array();
	json_object *rows = json_object_new_array(), *glob = json_object_new_array();

	for (int c = 0; c < t->ncols; c++)
		json_object_array_add(cpus, json_object_new_int(t->col_cpu[c]));
	for (int i = 0; i < t->nrows; i++)
		json_object_array_add(t->rows[i].global ? glob : rows,
				      t->rows[i].global ? global_json(&t->rows[i])
							: row_json(t, &t->rows[i]));
	json_object_object_add(o, "cpus", cpus);
	json_object_object_add(o, "rows", rows);
	json_object_object_add(o, "global", glob);
	return o;
}

void render_interrupts_text(FILE *out, const struct irq_table *t)
{
	fprintf(out, "%-8s", "NAME");
	for (int c = 0; c < t->ncols; c++)
		fprintf(out, " %10s%-3d", "CPU", t->col_cpu[c]);
	fputs("  DESCRIPTION\n", out);
	for (int i = 0; i < t->nrows; i++) {
		const struct irq_row *r = &t->rows[i];

		fprintf(out, "%-8s", r->name);
		if (r->global)
			fprintf(out, " %13u", r->global_value);
		else
			for (int c = 0; c < t->ncols; c++)
				fprintf(out, " %13u", r->counts[c]);
		fprintf(out, "  %.*s\n", (int)r->desc_len, r->desc ? r->desc : "");
	}
}
