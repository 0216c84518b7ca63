// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Parsing and validation of the `workloads` rules. Every problem is
 * collected with its line, so one --check-config run shows all of them.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload-conf.h"

static const char *const match_names[] = {"comm", "cmdline", "cgroup", "unit"};
static const char *const threads_names[] = {"all", "spread"};
static const char *const policy_names[] = {"keep", "other", "fifo", "rr"};
static const char *const numa_names[] = {"none", "local", "node", "interleave"};
static const char *const rule_keys[] = {"name",	  "match",    "cpus", "threads",
					"policy", "priority", "numa", NULL};

#define WL_RT_PRIO_MIN 1
#define WL_RT_PRIO_MAX 99
#define WL_NODE_MAX    1023

const char *wl_match_kind_name(enum wl_match_kind k)
{
	return match_names[k];
}

const char *wl_threads_name(enum wl_threads t)
{
	return threads_names[t];
}

const char *wl_policy_name(enum wl_policy p)
{
	return policy_names[p];
}

const char *wl_numa_name(enum wl_numa n)
{
	return numa_names[n];
}

/* Collect a problem without stopping: the user sees all of them at once. */
static void wl_problem(struct conf_problems *probs, const config_setting_t *s, const char *fmt, ...)
{
	struct conf_problem *p;
	va_list ap;

	if (!probs || probs->n >= (int)(sizeof(probs->items) / sizeof(probs->items[0])))
		return;
	p = &probs->items[probs->n++];
	p->line = s ? (int)config_setting_source_line(s) : 0;
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
}

/* Index of name in names, or -1. */
static int wl_enum_name(const char *name, const char *const *names, int n)
{
	for (int i = 0; name && i < n; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

/* Map a string setting onto one of the names; -1 (and a problem) when unknown. */
static int wl_enum(const config_setting_t *s, const char *const *names, int n, const char *allowed,
		   const char *ctx, struct conf_problems *probs)
{
	const char *v = config_setting_get_string(s);

	if (!v) {
		wl_problem(probs, s, "%s: %s: expected a string, one of %s", ctx,
			   config_setting_name(s), allowed);
		return -1;
	}
	if (wl_enum_name(v, names, n) >= 0)
		return wl_enum_name(v, names, n);
	wl_problem(probs, s, "%s: unknown %s \"%s\", expected one of %s", ctx,
		   config_setting_name(s), v, allowed);
	return -1;
}

/* A string member, or NULL with a problem when it has another type. */
static const char *wl_string(const config_setting_t *s, const char *ctx,
			     struct conf_problems *probs)
{
	const char *v = config_setting_get_string(s);

	if (!v)
		wl_problem(probs, s, "%s: %s: expected a string", ctx, config_setting_name(s));
	return v;
}

/* Unknown keys are typos that would silently change nothing: report them. */
static void wl_check_keys(const config_setting_t *g, const char *const *keys, const char *ctx,
			  const char *allowed, struct conf_problems *probs)
{
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *m = config_setting_get_elem(g, (unsigned int)i);
		const char *name = config_setting_name(m);
		int k;

		for (k = 0; keys[k] && strcmp(keys[k], name ? name : ""); k++)
			;
		if (!keys[k])
			wl_problem(probs, m, "%s: unknown key \"%s\", expected %s", ctx,
				   name ? name : "?", allowed);
	}
}

/* Compile a comm or cmdline regex; regcomp's own text says what is wrong. */
static int wl_compile(struct workload_rule *r, const config_setting_t *s, const char *ctx,
		      struct conf_problems *probs)
{
	char why[128];
	int rc = regcomp(&r->re, r->pattern, REG_EXTENDED | REG_NOSUB);

	if (rc == 0) {
		r->re_compiled = true;
		return 0;
	}
	regerror(rc, &r->re, why, sizeof(why));
	wl_problem(probs, s, "%s: match.%s: bad regex \"%s\": %s", ctx, config_setting_name(s),
		   r->pattern, why);
	return -1;
}

/* A cgroup prefix is an absolute cgroup v2 path; a unit is a service or a scope. */
static int wl_check_pattern(const struct workload_rule *r, const config_setting_t *s,
			    const char *ctx, struct conf_problems *probs)
{
	size_t n = strlen(r->pattern);

	if (n == 0) {
		wl_problem(probs, s, "%s: match.%s: must not be empty", ctx,
			   config_setting_name(s));
		return -1;
	}
	if (r->kind == WL_MATCH_CGROUP && r->pattern[0] != '/') {
		wl_problem(probs, s,
			   "%s: match.cgroup: \"%s\" must be an absolute cgroup path "
			   "such as \"/system.slice/foo.service\"",
			   ctx, r->pattern);
		return -1;
	}
	if (r->kind == WL_MATCH_UNIT && !(n > 8 && !strcmp(r->pattern + n - 8, ".service")) &&
	    !(n > 6 && !strcmp(r->pattern + n - 6, ".scope"))) {
		wl_problem(probs, s,
			   "%s: match.unit: \"%s\" must name a unit ending in .service "
			   "or .scope",
			   ctx, r->pattern);
		return -1;
	}
	return 0;
}

/* The match group: exactly one of comm, cmdline, cgroup, unit. */
static int wl_parse_match(struct workload_rule *r, const config_setting_t *rule, const char *ctx,
			  struct conf_problems *probs)
{
	const config_setting_t *g = config_setting_get_member(rule, "match");
	const config_setting_t *s;
	const char *v;
	int kind;

	if (!g) {
		wl_problem(probs, rule,
			   "%s: missing match, expected match = { comm | cmdline | "
			   "cgroup | unit = \"...\"; }",
			   ctx);
		return -1;
	}
	if (!config_setting_is_group(g) || config_setting_length(g) != 1) {
		wl_problem(probs, g,
			   "%s: match: expected a group with exactly one of comm, "
			   "cmdline, cgroup, unit",
			   ctx);
		return -1;
	}
	s = config_setting_get_elem(g, 0);
	kind = wl_enum_name(config_setting_name(s), match_names, 4);
	if (kind < 0) {
		wl_problem(probs, s,
			   "%s: match: unknown key \"%s\", expected comm, cmdline, "
			   "cgroup or unit",
			   ctx, config_setting_name(s));
		return -1;
	}
	r->kind = (enum wl_match_kind)kind;
	v = wl_string(s, ctx, probs);
	if (!v)
		return -1;
	snprintf(r->pattern, sizeof(r->pattern), "%s", v);
	if (wl_check_pattern(r, s, ctx, probs))
		return -1;
	if (r->kind == WL_MATCH_COMM || r->kind == WL_MATCH_CMDLINE)
		return wl_compile(r, s, ctx, probs);
	return 0;
}

/* cpus: a non-empty cpulist; an empty one would pin to nothing. */
static int wl_parse_cpus(struct workload_rule *r, const config_setting_t *rule, const char *ctx,
			 struct conf_problems *probs)
{
	const config_setting_t *s = config_setting_get_member(rule, "cpus");
	struct tl_err e;
	const char *v;

	if (!s) {
		wl_problem(probs, rule, "%s: missing cpus, expected a cpulist such as \"2-3\"",
			   ctx);
		return -1;
	}
	v = wl_string(s, ctx, probs);
	if (!v)
		return -1;
	if (cpulist_parse(v, &r->cpus, &e) < 0) {
		wl_problem(probs, s, "%s: cpus: \"%s\": %s", ctx, v, e.msg);
		return -1;
	}
	if (cpuset_empty(&r->cpus)) {
		wl_problem(probs, s, "%s: cpus: empty cpulist, expected CPUs such as \"2-3\"", ctx);
		return -1;
	}
	return 0;
}

/* An integer member within [lo, hi]; def when absent. */
static int wl_int(const config_setting_t *rule, const char *key, int lo, int hi, int def, int *out,
		  const char *ctx, struct conf_problems *probs)
{
	const config_setting_t *s = config_setting_get_member(rule, key);
	long long v;

	*out = def;
	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64) {
		wl_problem(probs, s, "%s: %s: expected an integer in %d..%d", ctx, key, lo, hi);
		return -1;
	}
	v = config_setting_get_int64(s);
	if (v < lo || v > hi) {
		wl_problem(probs, s, "%s: %s: %lld is out of range %d..%d", ctx, key, v, lo, hi);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* policy and priority together: fifo and rr need 1..99, other takes none. */
static int wl_parse_policy(struct workload_rule *r, const config_setting_t *rule, const char *ctx,
			   struct conf_problems *probs)
{
	const config_setting_t *s = config_setting_get_member(rule, "policy");
	const config_setting_t *ps = config_setting_get_member(rule, "priority");
	int v;

	r->policy = WL_POLICY_KEEP;
	if (s) {
		v = wl_enum(s, policy_names + 1, 3, "\"other\", \"fifo\", \"rr\"", ctx, probs);
		if (v < 0)
			return -1;
		r->policy = (enum wl_policy)(v + 1);
	}
	if (r->policy == WL_POLICY_FIFO || r->policy == WL_POLICY_RR) {
		if (!ps) {
			wl_problem(probs, s, "%s: policy \"%s\" needs a priority in %d..%d", ctx,
				   wl_policy_name(r->policy), WL_RT_PRIO_MIN, WL_RT_PRIO_MAX);
			return -1;
		}
		return wl_int(rule, "priority", WL_RT_PRIO_MIN, WL_RT_PRIO_MAX, 0, &r->priority,
			      ctx, probs);
	}
	if (ps) {
		wl_problem(probs, ps, "%s: priority: only with policy \"fifo\" or \"rr\"", ctx);
		return -1;
	}
	return 0;
}

/* numa: "none", "local", "interleave" or a node number written as a string. */
static int wl_parse_numa(struct workload_rule *r, const config_setting_t *rule, const char *ctx,
			 struct conf_problems *probs)
{
	const config_setting_t *s = config_setting_get_member(rule, "numa");
	const char *v;
	char *end;
	long node;

	r->numa = WL_NUMA_NONE;
	if (!s)
		return 0;
	v = wl_string(s, ctx, probs);
	if (!v)
		return -1;
	if (!strcmp(v, "none") || !strcmp(v, "local") || !strcmp(v, "interleave")) {
		r->numa = (enum wl_numa)wl_enum_name(v, numa_names, 4);
		return 0;
	}
	errno = 0;
	node = strtol(v, &end, 10);
	if (*v < '0' || *v > '9' || *end || errno || node > WL_NODE_MAX) {
		wl_problem(probs, s,
			   "%s: numa: unknown \"%s\", expected \"local\", \"none\", "
			   "\"interleave\" or a node number 0..%d",
			   ctx, v, WL_NODE_MAX);
		return -1;
	}
	r->numa = WL_NUMA_NODE;
	r->node = (int)node;
	return 0;
}

/* name: optional, defaults to the rule's position; used in status and logs. */
static int wl_parse_name(struct workload_rule *r, const config_setting_t *rule, int idx,
			 const char *ctx, struct conf_problems *probs)
{
	const config_setting_t *s = config_setting_get_member(rule, "name");
	const char *v;

	snprintf(r->name, sizeof(r->name), "workloads[%d]", idx);
	if (!s)
		return 0;
	v = wl_string(s, ctx, probs);
	if (!v)
		return -1;
	if (!*v || strlen(v) >= sizeof(r->name)) {
		wl_problem(probs, s, "%s: name: must be 1..%zu characters", ctx,
			   sizeof(r->name) - 1);
		return -1;
	}
	snprintf(r->name, sizeof(r->name), "%s", v);
	return 0;
}

/* One rule; every part is checked even after a failure, to report all problems. */
static int wl_parse_rule(struct workload_rule *r, const config_setting_t *rule, int idx,
			 struct conf_problems *probs)
{
	char ctx[96];
	int bad = 0;

	snprintf(ctx, sizeof(ctx), "workloads[%d]", idx);
	r->line = (int)config_setting_source_line(rule);
	if (!config_setting_is_group(rule)) {
		wl_problem(probs, rule,
			   "%s: expected a group { name = ...; match = ...; cpus = ...; }", ctx);
		return -1;
	}
	bad |= wl_parse_name(r, rule, idx, ctx, probs);
	if (strcmp(r->name, ctx))
		snprintf(ctx, sizeof(ctx), "workload \"%s\"", r->name);
	wl_check_keys(rule, rule_keys, ctx, "name, match, cpus, threads, policy, priority or numa",
		      probs);
	bad |= wl_parse_match(r, rule, ctx, probs);
	bad |= wl_parse_cpus(r, rule, ctx, probs);
	r->threads = WL_THREADS_ALL;
	if (config_setting_get_member(rule, "threads")) {
		int t = wl_enum(config_setting_get_member(rule, "threads"), threads_names, 2,
				"\"all\", \"spread\"", ctx, probs);
		bad |= t < 0;
		r->threads = t < 0 ? WL_THREADS_ALL : (enum wl_threads)t;
	}
	bad |= wl_parse_policy(r, rule, ctx, probs);
	bad |= wl_parse_numa(r, rule, ctx, probs);
	return bad ? -1 : 0;
}

/* Two rules with one name would be indistinguishable in status. */
static int wl_check_unique(const struct workload_rules *out, const config_setting_t *list,
			   struct conf_problems *probs)
{
	int bad = 0;

	for (int i = 0; i < out->n; i++)
		for (int j = 0; j < i; j++)
			if (!strcmp(out->rules[i].name, out->rules[j].name)) {
				wl_problem(probs, config_setting_get_elem(list, (unsigned int)i),
					   "workload \"%s\": name already used at line %d",
					   out->rules[i].name, out->rules[j].line);
				bad = -1;
			}
	return bad;
}

int workload_conf_parse(const config_setting_t *list, struct workload_rules *out,
			struct conf_problems *probs)
{
	int n, bad = 0;

	memset(out, 0, sizeof(*out));
	if (!list)
		return 0;
	if (!config_setting_is_list(list)) {
		wl_problem(probs, list, "workloads: expected a list ( { ... }, { ... } )");
		return -EINVAL;
	}
	n = config_setting_length(list);
	if (n > WL_RULES_MAX) {
		wl_problem(probs, list, "workloads: %d rules, at most %d", n, WL_RULES_MAX);
		return -EINVAL;
	}
	out->rules = calloc((size_t)n + 1, sizeof(*out->rules));
	if (!out->rules)
		return -ENOMEM;
	for (out->n = 0; out->n < n; out->n++)
		bad |= wl_parse_rule(&out->rules[out->n],
				     config_setting_get_elem(list, (unsigned int)out->n), out->n,
				     probs);
	bad |= wl_check_unique(out, list, probs);
	if (!bad)
		return 0;
	workload_rules_free(out);
	return -EINVAL;
}

void workload_rules_free(struct workload_rules *r)
{
	for (int i = 0; r->rules && i < r->n; i++)
		if (r->rules[i].re_compiled)
			regfree(&r->rules[i].re);
	free(r->rules);
	r->rules = NULL;
	r->n = 0;
}
