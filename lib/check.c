// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The check runner: resolves the isolated set, runs every registered check
 * in a fixed order (ids and order are part of the output contract) and
 * counts the verdicts. The checks themselves live in check-<concern>.c.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-impl.h"
#include "procs.h"

const char *check_status_name(enum check_status s)
{
	static const char *const names[] = {"pass", "warn", "fail", "skip"};

	return s < CHECK_STATUS_COUNT ? names[s] : "?";
}

void check_set(struct check_result *r, enum check_status s, const char *fmt, ...)
{
	va_list ap;

	r->status = s;
	va_start(ap, fmt);
	vsnprintf(r->summary, sizeof(r->summary), fmt, ap);
	va_end(ap);
}

void check_remedy(struct check_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->remedy, sizeof(r->remedy), fmt, ap);
	va_end(ap);
}

void ev_obj(struct check_result *r, const char *key, json_object *val)
{
	json_object_object_add(r->evidence, key, val);
}

void ev_str(struct check_result *r, const char *key, const char *val)
{
	ev_obj(r, key, val ? json_object_new_string(val) : NULL);
}

void ev_int(struct check_result *r, const char *key, int64_t val)
{
	ev_obj(r, key, json_object_new_int64(val));
}

void ev_bool(struct check_result *r, const char *key, bool val)
{
	ev_obj(r, key, json_object_new_boolean(val));
}

void ev_double(struct check_result *r, const char *key, double val)
{
	ev_obj(r, key, json_object_new_double(val));
}

const char *cpus_str(const struct cpuset *s, char *buf, size_t sz)
{
	if (cpulist_format(s, buf, sz) < 0)
		snprintf(buf, sz, "(too many to list)");
	return buf;
}

void ev_cpus(struct check_result *r, const char *key, const struct cpuset *s)
{
	char buf[1024];

	ev_str(r, key, cpus_str(s, buf, sizeof(buf)));
}

const struct cpuset *check_nohz_full(const struct check_ctx *c)
{
	if (c->f->has_sysfs_nohz_full)
		return &c->f->sysfs_nohz_full;
	return c->f->cmdline.has_nohz_full ? &c->f->cmdline.nohz_full : NULL;
}

/*
 * An example isolated set for the remedy: every online CPU except the boot
 * CPU's core, which must stay housekeeping.
 */
static void suggest_isolated(const struct tl_facts *f, char *out, size_t sz)
{
	struct cpuset s, boot;

	if (!f->topo || cpuset_count(&f->topo->online) < 2) {
		snprintf(out, sz, "2-3");
		return;
	}
	topo_siblings(f->topo, 0, &boot);
	cpuset_andnot(&s, &f->topo->online, &boot);
	if (cpuset_empty(&s))
		snprintf(out, sz, "2-3");
	else
		cpus_str(&s, out, sz);
}

bool check_need_isolated(struct check_ctx *c, struct check_result *r)
{
	char ex[256];

	if (c->have_isolated)
		return false;
	suggest_isolated(c->f, ex, sizeof(ex));
	check_set(r, CHECK_FAIL,
		  "no isolated CPUs: none given (--cpus, isolated_cpus) and none "
		  "in nohz_full or isolated");
	check_remedy(
		r,
		"choose CPUs, e.g. nohz_full=%s isolcpus=managed_irq,domain,%s rcu_nocbs=%s on "
		"the kernel command line, or isolated_cpus = \"%s\" in tlbiso.conf",
		ex, ex, ex, ex);
	return true;
}

int check_load_irqs(struct check_ctx *c)
{
	struct tl_err e = {0};

	if (c->irqs_tried)
		return c->irqs_rc;
	c->irqs_tried = true;
	c->irqs_rc = irq_table_read(&c->irqs, c->p, &e);
	if (c->irqs_rc == 0)
		c->irqs_rc = irqinfo_read(&c->aff, c->p, &c->irqs, &e);
	if (c->irqs_rc < 0)
		snprintf(c->irqs_err, sizeof(c->irqs_err), "%s", e.msg);
	return c->irqs_rc;
}

/* Collect what the task checks need, in one pass over /proc. */
static int tasks_visit(const struct task_info *t, void *arg)
{
	struct check_ctx *c = arg;

	if (!strcmp(t->comm, "irqbalance") && !task_is_kthread(t))
		c->irqbalance_pid = t->pid;
	if (!task_is_kthread(t) || task_is_pinned_kthread(t) ||
	    !cpuset_intersects(&t->allowed, c->isolated))
		return 0;
	if (c->nkthreads == c->kthreads_cap) {
		int cap = c->kthreads_cap ? c->kthreads_cap * 2 : 64;
		void *n = realloc(c->kthreads, (size_t)cap * sizeof(*c->kthreads));

		if (!n)
			return -ENOMEM;
		c->kthreads = n;
		c->kthreads_cap = cap;
	}
	c->kthreads[c->nkthreads].pid = t->pid;
	snprintf(c->kthreads[c->nkthreads].comm, sizeof(c->kthreads[0].comm), "%s", t->comm);
	c->nkthreads++;
	return 0;
}

int check_load_tasks(struct check_ctx *c)
{
	struct tl_err e = {0};

	if (c->tasks_tried)
		return c->tasks_rc;
	c->tasks_tried = true;
	c->tasks_rc = procs_walk(c->p, false, tasks_visit, c, &e);
	if (c->tasks_rc > 0)
		c->tasks_rc = 0;
	if (c->tasks_rc < 0)
		snprintf(c->tasks_err, sizeof(c->tasks_err), "%s",
			 e.code ? e.msg : "out of memory");
	return c->tasks_rc;
}

/* Grow the result array by one, initialised with its id and an empty evidence object. */
static struct check_result *report_add(struct check_report *r, const struct check_def *d)
{
	struct check_result *res;

	if (r->n == r->cap) {
		int cap = r->cap ? r->cap * 2 : 32;
		void *n = realloc(r->results, (size_t)cap * sizeof(*r->results));

		if (!n)
			return NULL;
		r->results = n;
		r->cap = cap;
	}
	res = &r->results[r->n++];
	memset(res, 0, sizeof(*res));
	snprintf(res->id, sizeof(res->id), "%s", d->id);
	res->live = d->live;
	res->evidence = json_object_new_object();
	return res;
}

/* Resolve the isolated set by precedence: --cpus, config, nohz_full, isolated. */
static void check_resolve_set(struct check_ctx *c, struct check_report *r)
{
	const struct check_options *o = c->o;

	if (o->cpus)
		r->origin =
			facts_isolated_set(c->f, o->cpus, ISOL_CLI, &r->isolated, &r->housekeeping);
	else if (o->conf_cpus)
		r->origin = facts_isolated_set(c->f, o->conf_cpus, ISOL_CONFIG, &r->isolated,
					       &r->housekeeping);
	else
		r->origin =
			facts_isolated_set(c->f, NULL, ISOL_NONE, &r->isolated, &r->housekeeping);
	c->isolated = &r->isolated;
	c->housekeeping = &r->housekeeping;
	c->origin = r->origin;
	c->have_isolated = r->origin != ISOL_NONE && !cpuset_empty(&r->isolated);
	cpus_str(&r->isolated, c->isol_list, sizeof(c->isol_list));
	cpus_str(&r->housekeeping, c->hk_list, sizeof(c->hk_list));
}

/* Run one registry; live checks only when a sample was asked for. */
static int check_run_defs(struct check_ctx *c, const struct check_def *defs, struct check_report *r,
			  struct tl_err *e)
{
	struct check_result *res;

	for (const struct check_def *d = defs; d->id; d++) {
		if (d->live && c->o->sample_seconds <= 0)
			continue;
		res = report_add(r, d);
		if (!res || !res->evidence)
			return tl_err_set(e, ENOMEM, "out of memory for check results");
		d->fn(c, res);
		r->counts[res->status]++;
	}
	return 0;
}

/* Release what the context loaded on demand. */
static void check_ctx_fini(struct check_ctx *c)
{
	if (c->irqs_tried) {
		irqinfo_free(&c->aff);
		irq_table_free(&c->irqs);
	}
	free(c->kthreads);
	if (c->sample_tried) {
		irq_table_free(&c->before);
		irq_table_free(&c->after);
	}
}

int check_run(const struct tl_facts *f, const struct tl_path *p, const struct check_options *o,
	      struct check_report *r, struct tl_err *e)
{
	static const struct check_def *const groups[] = {
		check_defs_cmdline,
		check_defs_kernel,
		check_defs_runtime,
		check_defs_live,
	};
	struct check_ctx c = {.f = f, .p = p, .o = o};
	int rc = 0;

	memset(r, 0, sizeof(*r));
	irq_table_init(&c.irqs);
	check_resolve_set(&c, r);
	deferral_assess(f, &r->isolated, &c.deferral);
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]) && rc == 0; i++)
		rc = check_run_defs(&c, groups[i], r, e);
	check_ctx_fini(&c);
	if (rc < 0)
		check_report_free(r);
	return rc;
}

void check_report_free(struct check_report *r)
{
	for (int i = 0; i < r->n; i++)
		json_object_put(r->results[i].evidence);
	free(r->results);
	r->results = NULL;
	r->n = r->cap = 0;
}

int check_report_exit(const struct check_report *r)
{
	return r->counts[CHECK_FAIL] ? 1 : 0;
}

const struct check_result *check_report_find(const struct check_report *r, const char *id)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->results[i].id, id))
			return &r->results[i];
	return NULL;
}
