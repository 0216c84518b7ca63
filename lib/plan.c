// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <numa.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "plan.h"

/* One core: its online threads and its node. */
struct core {
	struct cpuset cpus;
	int first, node, n;
};

struct cores {
	int n;
	struct core *c; /* sorted by first CPU */
	int nr_nodes;	/* nodes seen, at least 1 */
};

/* Add a line of explanation. */
static void __attribute__((format(printf, 2, 3))) reason(struct plan *pl, const char *fmt, ...)
{
	va_list ap;

	if (pl->nreasons >= PLAN_MAX_REASONS)
		return;
	va_start(ap, fmt);
	vsnprintf(pl->reasons[pl->nreasons++], sizeof(pl->reasons[0]), fmt, ap);
	va_end(ap);
}

/* Group online CPUs into cores; a CPU with unknown siblings is a core of its own. */
static int cores_build(const struct topology *t, struct cores *cs)
{
	int cpu;

	cs->n = 0;
	cs->nr_nodes = t->nr_nodes > 0 ? t->nr_nodes : 1;
	cs->c = calloc((size_t)cpuset_count(&t->online) + 1, sizeof(*cs->c));
	if (!cs->c)
		return -ENOMEM;
	cpuset_for_each(cpu, &t->online)
	{
		int id = t->core_of[cpu] >= 0 ? t->core_of[cpu] : cpu, k;

		for (k = 0; k < cs->n && cs->c[k].first != id; k++)
			;
		if (k == cs->n) {
			cs->c[k].first = id;
			cs->c[k].node = t->node_of[cpu] >= 0 ? t->node_of[cpu] : 0;
			cs->n++;
		}
		cpuset_set(&cs->c[k].cpus, cpu);
		cs->c[k].n++;
	}
	return 0;
}

/* Text of a set for a reason line. */
static const char *setstr(const struct cpuset *s, char *buf, size_t sz)
{
	if (cpulist_format(s, buf, sz) < 0 || !buf[0])
		snprintf(buf, sz, "none");
	return buf;
}

/* Mark the core holding CPU 0 as housekeeping; returns its index. */
static int plan_boot_core(const struct cores *cs, bool *hk, struct plan *pl)
{
	char b[128];

	for (int k = 0; k < cs->n; k++)
		if (cpuset_isset(&cs->c[k].cpus, 0)) {
			hk[k] = true;
			reason(pl, "boot CPU: CPU 0 and its siblings (%s) stay housekeeping",
			       setstr(&cs->c[k].cpus, b, sizeof(b)));
			return k;
		}
	return -1;
}

/* Cores on a node, and how many of them are housekeeping. */
static void node_counts(const struct cores *cs, const bool *hk, int node, int *total, int *nhk)
{
	*total = *nhk = 0;
	for (int k = 0; k < cs->n; k++)
		if (cs->c[k].node == node) {
			(*total)++;
			*nhk += hk[k];
		}
}

/* Every node with a core left to isolate keeps its first core for housekeeping. */
static void plan_node_cores(const struct cores *cs, bool *hk)
{
	for (int node = 0; node < cs->nr_nodes; node++) {
		int total, nhk;

		node_counts(cs, hk, node, &total, &nhk);
		if (total == 0 || nhk > 0)
			continue;
		for (int k = 0; k < cs->n; k++)
			if (cs->c[k].node == node) {
				hk[k] = true;
				break;
			}
	}
}

/* --reserve N: add cores round-robin over the nodes, lowest first, until N CPUs. */
static void plan_reserve(const struct cores *cs, bool *hk, int want)
{
	int have = 0;
	bool added = true;

	for (int k = 0; k < cs->n; k++)
		have += hk[k] ? cs->c[k].n : 0;
	while (have < want && added) {
		added = false;
		for (int node = 0; node < cs->nr_nodes && have < want; node++)
			for (int k = 0; k < cs->n; k++)
				if (!hk[k] && cs->c[k].node == node) {
					hk[k] = added = true;
					have += cs->c[k].n;
					break;
				}
	}
}

/*
 * --isolate N: isolate the highest cores first, whole cores only, never the
 * last housekeeping core of a node; everything not chosen is housekeeping.
 */
static void plan_isolate(const struct cores *cs, bool *hk, int want)
{
	bool *iso = calloc((size_t)cs->n + 1, sizeof(*iso));
	int got = 0;

	if (!iso)
		return;
	for (int k = cs->n - 1; k >= 0; k--) {
		int total, niso = 0;

		if (hk[k] || got + cs->c[k].n > want)
			continue;
		node_counts(cs, iso, cs->c[k].node, &total, &niso);
		if (niso + 1 >= total)
			continue; /* the node must keep a housekeeping core */
		iso[k] = true;
		got += cs->c[k].n;
	}
	for (int k = 0; k < cs->n; k++)
		hk[k] = !iso[k];
	free(iso);
}

/* Turn the per-core choice into the two sets. */
static void plan_sets(const struct cores *cs, const bool *hk, struct plan *pl)
{
	for (int k = 0; k < cs->n; k++)
		cpuset_or(hk[k] ? &pl->housekeeping : &pl->isolated,
			  hk[k] ? &pl->housekeeping : &pl->isolated, &cs->c[k].cpus);
}

/* The SMT and NUMA lines of the explanation. */
static void plan_explain_topology(const struct topology *t, const struct cores *cs, const bool *hk,
				  struct plan *pl)
{
	char line[200] = "", b[128];
	int maxthr = 1;

	for (int k = 0; k < cs->n; k++)
		maxthr = cs->c[k].n > maxthr ? cs->c[k].n : maxthr;
	if (maxthr > 1)
		reason(pl, "whole cores: SMT siblings stay together (%d threads per core)", maxthr);
	else
		reason(pl, "whole cores: no SMT here, each CPU is a core");
	if (cs->nr_nodes < 2) {
		reason(pl, "NUMA: one node");
		return;
	}
	for (int node = 0; node < cs->nr_nodes; node++) {
		struct cpuset nhk;
		size_t l = strlen(line);

		cpuset_zero(&nhk);
		for (int k = 0; k < cs->n; k++)
			if (hk[k] && cs->c[k].node == node)
				cpuset_or(&nhk, &nhk, &cs->c[k].cpus);
		if (!cpuset_empty(&nhk))
			snprintf(line + l, sizeof(line) - l, "%snode%d %s", l ? "; " : "", node,
				 setstr(&nhk, b, sizeof(b)));
	}
	reason(pl, "NUMA: every node with isolated CPUs keeps a housekeeping core (%s)", line);
}

/* Apply the size rule of the request. */
static int plan_size(const struct cores *cs, bool *hk, const struct plan_request *req,
		     struct plan *pl, struct tl_err *e)
{
	int total = 0;

	for (int k = 0; k < cs->n; k++)
		total += cs->c[k].n;
	if (req->mode == PLAN_RESERVE) {
		if (req->n < 1 || req->n >= total)
			return tl_err_set(e, EINVAL,
					  "--reserve %d: allowed 1..%d (online CPUs - 1)", req->n,
					  total - 1);
		plan_reserve(cs, hk, req->n);
	} else if (req->mode == PLAN_ISOLATE) {
		if (req->n < 1 || req->n >= total)
			return tl_err_set(e, EINVAL,
					  "--isolate %d: allowed 1..%d (online CPUs - 1)", req->n,
					  total - 1);
		plan_isolate(cs, hk, req->n);
	}
	return 0;
}

/* The last line: what was asked and what the rules gave. */
static void plan_explain_size(const struct plan_request *req, struct plan *pl)
{
	int niso = cpuset_count(&pl->isolated), nhk = cpuset_count(&pl->housekeeping);

	if (req->mode == PLAN_ISOLATE && niso != req->n)
		reason(pl,
		       "size: asked to isolate %d CPUs, isolating %d: whole cores only, "
		       "and a housekeeping core per node",
		       req->n, niso);
	else if (req->mode == PLAN_RESERVE && nhk != req->n)
		reason(pl,
		       "size: asked to reserve %d CPUs, reserving %d: whole cores, and a "
		       "housekeeping core per node",
		       req->n, nhk);
	else if (req->mode == PLAN_MINIMAL)
		reason(pl,
		       "size: housekeeping is the smallest the rules allow (%d CPU(s)); "
		       "--reserve N or --isolate N changes it",
		       nhk);
	else
		reason(pl, "size: %d isolated, %d housekeeping, as asked", niso, nhk);
}

int plan_compute(const struct topology *t, const struct plan_request *req, struct plan *out,
		 struct tl_err *e)
{
	struct cores cs;
	bool *hk;
	char b[256];
	int r;

	memset(out, 0, sizeof(*out));
	if (cores_build(t, &cs) < 0 || !(hk = calloc((size_t)cs.n + 1, sizeof(*hk)))) {
		free(cs.c);
		return tl_err_set(e, ENOMEM, "plan: out of memory");
	}
	plan_boot_core(&cs, hk, out);
	plan_node_cores(&cs, hk);
	r = plan_size(&cs, hk, req, out, e);
	if (r == 0) {
		plan_sets(&cs, hk, out);
		plan_explain_topology(t, &cs, hk, out);
		cpuset_andnot(&out->offline, &t->possible, &t->online);
		if (!cpuset_empty(&out->offline))
			reason(out, "offline: CPUs %s are in neither set; plan again once online",
			       setstr(&out->offline, b, sizeof(b)));
		plan_explain_size(req, out);
		if (cpuset_empty(&out->isolated))
			r = tl_err_set(e, EINVAL,
				       "plan: nothing left to isolate: %d core(s) and "
				       "every one is needed for housekeeping",
				       cs.n);
	}
	free(hk);
	free(cs.c);
	return r;
}

/* libnuma is the live system's authority on nodes; say when sysfs disagrees. */
static void plan_numa_check(const struct tl_path *p, const struct topology *t, struct plan *pl)
{
	int n;

	if (!p->live || numa_available() < 0)
		return;
	n = numa_num_configured_nodes();
	if (t->nr_nodes > 0 && n != t->nr_nodes)
		reason(pl,
		       "NUMA: libnuma counts %d node(s) with memory, sysfs %d; "
		       "the plan follows sysfs (CPU-only or memory-only nodes)",
		       n, t->nr_nodes);
}

int plan_make(const struct tl_path *p, const struct plan_request *req, struct plan *out,
	      struct tl_err *e)
{
	struct topology *t = malloc(sizeof(*t));
	int r;

	if (!t)
		return tl_err_set(e, ENOMEM, "plan: out of memory");
	r = topo_read(t, p, e);
	if (r == 0)
		r = plan_compute(t, req, out, e);
	if (r == 0)
		plan_numa_check(p, t, out);
	free(t);
	return r;
}

char *plan_to_json(const struct plan *pl)
{
	json_object *o = json_object_new_object(), *rs = json_object_new_array();
	char b[8192];
	char *text;

	json_object_object_add(o, "schema", json_object_new_string("tlbiso.plan/1"));
	cpulist_format(&pl->isolated, b, sizeof(b));
	json_object_object_add(o, "isolated_cpus", json_object_new_string(b));
	cpulist_format(&pl->housekeeping, b, sizeof(b));
	json_object_object_add(o, "housekeeping_cpus", json_object_new_string(b));
	cpulist_format(&pl->offline, b, sizeof(b));
	json_object_object_add(o, "offline_cpus", json_object_new_string(b));
	for (int i = 0; i < pl->nreasons; i++)
		json_object_array_add(rs, json_object_new_string(pl->reasons[i]));
	json_object_object_add(o, "reasons", rs);
	text = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
								JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text;
}
