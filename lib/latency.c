// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * oslat on the isolated CPUs, judged and attributed. The order matters:
 * find occupied CPUs first (so oslat never lands on a workload's CPU), read
 * /proc/interrupts, run oslat, read it again; the delta is what hit each CPU
 * while oslat was measuring it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "latency.h"
#include "oslat.h"

const char *lat_verdict_name(enum lat_verdict v)
{
	static const char *const names[] = {"pass", "fail", "skip"};

	return v <= LAT_SKIP ? names[v] : "?";
}

/* The entry for cpu, added in CPU order; NULL when out of memory. */
static struct lat_cpu *report_cpu(struct lat_report *r, int cpu)
{
	struct lat_cpu *n;
	int i;

	for (i = 0; i < r->n; i++)
		if (r->cpus[i].cpu == cpu)
			return &r->cpus[i];
	n = realloc(r->cpus, (size_t)(r->n + 1) * sizeof(*n));
	if (!n)
		return NULL;
	r->cpus = n;
	for (i = r->n; i > 0 && n[i - 1].cpu > cpu; i--)
		n[i] = n[i - 1];
	memset(&n[i], 0, sizeof(n[i]));
	n[i].cpu = cpu;
	r->n++;
	return &n[i];
}

struct occ_walk {
	const struct cpuset *set;
	struct lat_report *r;
	pid_t self;
};

/* A user task confined to the set, alive, last run on one of its CPUs: a workload. */
static bool is_workload(const struct task_info *t, const struct occ_walk *w)
{
	return !task_is_kthread(t) && t->pid != w->self && t->state != 'Z' && t->state != 'X' &&
	       !cpuset_empty(&t->allowed) && cpuset_subset(&t->allowed, w->set) &&
	       cpuset_isset(&t->allowed, t->processor);
}

/* Record each workload thread against the CPU it occupies. */
static int occ_visit(const struct task_info *t, void *arg)
{
	struct occ_walk *w = arg;
	struct lat_cpu *c;

	if (!is_workload(t, w))
		return 0;
	c = report_cpu(w->r, t->processor);
	if (!c)
		return -ENOMEM;
	c->verdict = LAT_SKIP;
	cpuset_set(&w->r->skipped, t->processor);
	if (c->ntasks < LAT_TASKS_MAX)
		c->tasks[c->ntasks] = (struct lat_task){.pid = t->pid, .tid = t->tid};
	if (c->ntasks < LAT_TASKS_MAX)
		snprintf(c->tasks[c->ntasks].comm, sizeof(c->tasks[0].comm), "%s", t->comm);
	c->ntasks++;
	return 0;
}

int latency_occupied(const struct tl_path *p, const struct cpuset *set, struct lat_report *r,
		     struct tl_err *e)
{
	struct occ_walk w = {.set = set, .r = r, .self = getpid()};
	int rc = procs_walk(p, true, occ_visit, &w, e);

	if (rc == -ENOMEM)
		return tl_err_set(e, ENOMEM, "out of memory");
	return rc < 0 ? rc : 0;
}

/* Largest count first; the name breaks ties so the order is stable. */
static int irq_cmp(const void *a, const void *b)
{
	const struct lat_irq *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* The delta of one row on cpu; an IRQ that appeared during the run counts from 0. */
static bool row_delta(const struct irq_table *before, const struct irq_table *after,
		      const struct irq_row *ra, int cpu, uint64_t *d)
{
	const struct irq_row *rb = irq_table_find_nth(before, ra->name, ra->occurrence);
	uint32_t a = 0, b;

	if (!irq_row_count(after, ra, cpu, &b))
		return false;
	if (rb && !rb->global && !irq_row_count(before, rb, cpu, &a))
		return false;
	*d = irq_delta(a, b);
	return true;
}

int latency_irq_deltas(const struct irq_table *before, const struct irq_table *after, int cpu,
		       struct lat_irq **out, int *n, struct tl_err *e)
{
	struct lat_irq *v = calloc((size_t)after->nrows + 1, sizeof(*v));
	uint64_t d;
	int k = 0;

	*out = NULL;
	*n = 0;
	if (!v)
		return tl_err_set(e, ENOMEM, "out of memory");
	for (int i = 0; i < after->nrows; i++) {
		const struct irq_row *ra = &after->rows[i];

		if (ra->global || !row_delta(before, after, ra, cpu, &d) || d == 0)
			continue;
		snprintf(v[k].name, sizeof(v[k].name), "%s", ra->name);
		v[k++].count = d;
	}
	if (k) /* v may be NULL when no row moved */
		qsort(v, (size_t)k, sizeof(*v), irq_cmp);
	*out = v;
	*n = k;
	return 0;
}

/* Copy oslat's figures into the report and judge each CPU. */
static int judge(const struct oslat_result *res, const struct irq_table *before,
		 const struct irq_table *after, struct lat_report *r, struct tl_err *e)
{
	for (int i = 0; i < res->n; i++) {
		const struct oslat_cpu *oc = &res->cpus[i];
		struct lat_cpu *c = report_cpu(r, oc->cpu);

		if (!c)
			return tl_err_set(e, ENOMEM, "out of memory");
		c->min_us = oc->min_us;
		c->avg_us = oc->avg_us;
		c->max_us = oc->max_us;
		c->verdict = oc->max_us > r->max_us ? LAT_FAIL : LAT_PASS;
		free(c->irqs);
		if (latency_irq_deltas(before, after, oc->cpu, &c->irqs, &c->nirqs, e) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Run oslat between two reads of /proc/interrupts. */
static int run_between(const struct tl_path *p, const struct lat_options *o, struct lat_report *r,
		       struct tl_err *e)
{
	struct oslat_result res = {0};
	struct irq_table before, after;
	int rc;

	irq_table_init(&before);
	irq_table_init(&after);
	rc = irq_table_read(&before, p, e);
	if (rc == 0)
		rc = oslat_run(o->oslat, &r->measured, o->main_cpu, o->seconds, &res, e);
	if (rc == 0)
		rc = irq_table_read(&after, p, e);
	if (rc == 0) {
		snprintf(r->version, sizeof(r->version), "%s", res.version);
		rc = judge(&res, &before, &after, r, e);
	}
	oslat_result_free(&res);
	irq_table_free(&before);
	irq_table_free(&after);
	return rc;
}

/* Count the verdicts once everything is known. */
static void count_verdicts(struct lat_report *r)
{
	memset(r->counts, 0, sizeof(r->counts));
	for (int i = 0; i < r->n; i++)
		r->counts[r->cpus[i].verdict]++;
}

int latency_measure(const struct tl_path *p, const struct lat_options *o, struct lat_report *r,
		    struct tl_err *e)
{
	int rc = 0;

	memset(r, 0, sizeof(*r));
	r->seconds = o->seconds;
	r->main_cpu = o->main_cpu;
	r->max_us = o->max_us;
	if (cpuset_isset(o->cpus, o->main_cpu))
		return tl_err_set(e, EINVAL, "oslat's main thread (CPU %d) must not be measured",
				  o->main_cpu);
	if (!o->force)
		rc = latency_occupied(p, o->cpus, r, e);
	if (rc == 0) {
		cpuset_andnot(&r->measured, o->cpus, &r->skipped);
		if (!cpuset_empty(&r->measured))
			rc = run_between(p, o, r, e);
	}
	count_verdicts(r);
	if (rc < 0)
		latency_report_free(r);
	return rc;
}

void latency_report_free(struct lat_report *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->cpus[i].irqs);
	free(r->cpus);
	r->cpus = NULL;
	r->n = 0;
}

/* "LOC 2510, CAL 3" for the top rows, "none" when nothing landed. */
static void top_irqs(const struct lat_cpu *c, int max, char *buf, size_t sz)
{
	size_t len = 0;

	buf[0] = '\0';
	if (c->nirqs == 0)
		snprintf(buf, sz, "no interrupts");
	for (int i = 0; i < c->nirqs && i < max && len < sz; i++)
		len += (size_t)snprintf(buf + len, sz - len, "%s%s %llu", i ? ", " : "",
					c->irqs[i].name, (unsigned long long)c->irqs[i].count);
	if (c->nirqs > max && len < sz)
		snprintf(buf + len, sz - len, ", ... (%d rows)", c->nirqs);
}

/* Who occupies a skipped CPU: "app (pid 1234), ..." */
static void occupants(const struct lat_cpu *c, char *buf, size_t sz)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < c->ntasks && i < LAT_TASKS_MAX && len < sz; i++)
		len += (size_t)snprintf(buf + len, sz - len, "%s%s (pid %d)", i ? ", " : "",
					c->tasks[i].comm, (int)c->tasks[i].pid);
	if (c->ntasks > LAT_TASKS_MAX && len < sz)
		snprintf(buf + len, sz - len, " and %d more", c->ntasks - LAT_TASKS_MAX);
}

void latency_cpu_summary(const struct lat_cpu *c, double max_us, char *buf, size_t sz)
{
	char irqs[256], who[256];

	if (c->verdict == LAT_SKIP) {
		occupants(c, who, sizeof(who));
		snprintf(buf, sz, "CPU %d not measured: occupied by %s (--force to measure)",
			 c->cpu, who);
		return;
	}
	top_irqs(c, 4, irqs, sizeof(irqs));
	snprintf(buf, sz, "CPU %d: max %.1f us %s %g us (avg %.2f, min %.1f); during the run: %s",
		 c->cpu, c->max_us, c->verdict == LAT_FAIL ? ">" : "<=", max_us, c->avg_us,
		 c->min_us, irqs);
}

/* [{"pid","tid","comm"}] of the tasks that occupy a skipped CPU. */
static json_object *tasks_json(const struct lat_cpu *c)
{
	json_object *a = json_object_new_array();

	for (int i = 0; i < c->ntasks && i < LAT_TASKS_MAX; i++) {
		json_object *t = json_object_new_object();

		json_object_object_add(t, "pid", json_object_new_int(c->tasks[i].pid));
		json_object_object_add(t, "tid", json_object_new_int(c->tasks[i].tid));
		json_object_object_add(t, "comm", json_object_new_string(c->tasks[i].comm));
		json_object_array_add(a, t);
	}
	return a;
}

/* [{"name","count"}] largest first. */
static json_object *irqs_json(const struct lat_cpu *c)
{
	json_object *a = json_object_new_array();

	for (int i = 0; i < c->nirqs; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(c->irqs[i].name));
		json_object_object_add(o, "count",
				       json_object_new_int64((int64_t)c->irqs[i].count));
		json_object_array_add(a, o);
	}
	return a;
}

json_object *latency_cpu_json(const struct lat_cpu *c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "cpu", json_object_new_int(c->cpu));
	json_object_object_add(o, "status", json_object_new_string(lat_verdict_name(c->verdict)));
	if (c->verdict == LAT_SKIP) {
		json_object_object_add(o, "skipped", json_object_new_string("occupied"));
		json_object_object_add(o, "occupied_by", tasks_json(c));
		json_object_object_add(o, "occupying_tasks", json_object_new_int(c->ntasks));
		return o;
	}
	json_object_object_add(o, "min_us", json_object_new_double(c->min_us));
	json_object_object_add(o, "avg_us", json_object_new_double(c->avg_us));
	json_object_object_add(o, "max_us", json_object_new_double(c->max_us));
	json_object_object_add(o, "interrupts", irqs_json(c));
	return o;
}

/* A set as a cpulist string, for the JSON. */
static json_object *cpus_json(const struct cpuset *s)
{
	char buf[1024];

	if (cpulist_format(s, buf, sizeof(buf)) < 0)
		snprintf(buf, sizeof(buf), "?");
	return json_object_new_string(buf);
}

json_object *latency_report_json(const struct lat_report *r, const char *oslat)
{
	json_object *o = json_object_new_object(), *cpus = json_object_new_array();
	json_object *sum = json_object_new_object();

	json_object_object_add(o, "schema", json_object_new_string(LAT_SCHEMA));
	json_object_object_add(o, "oslat", json_object_new_string(oslat));
	json_object_object_add(o, "oslat_version", json_object_new_string(r->version));
	json_object_object_add(o, "seconds", json_object_new_int(r->seconds));
	json_object_object_add(o, "threshold_us", json_object_new_double(r->max_us));
	json_object_object_add(o, "main_cpu", json_object_new_int(r->main_cpu));
	json_object_object_add(o, "measured_cpus", cpus_json(&r->measured));
	json_object_object_add(o, "skipped_cpus", cpus_json(&r->skipped));
	for (int i = 0; i < r->n; i++)
		json_object_array_add(cpus, latency_cpu_json(&r->cpus[i]));
	json_object_object_add(o, "cpus", cpus);
	for (int v = LAT_PASS; v <= LAT_SKIP; v++)
		json_object_object_add(sum, lat_verdict_name(v), json_object_new_int(r->counts[v]));
	json_object_object_add(o, "summary", sum);
	return o;
}
