// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The configuration loader: libconfig parses, this file validates. Every
 * problem is collected with its line so that one run of --check-config shows
 * them all; the caller's config changes only when there is none.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf.h"
#include "hk-conf.h"
#include "workload-conf.h"

static const char *const source_names[SRC_COUNT] = {"TLB", "CAL", "RES", "LOC", "IWI", "IRQ"};

/* Lower-case key names of the thresholds group, in enum tl_source order. */
static const char *const threshold_keys[] = {"tlb", "cal", "res", "loc", "iwi", "irq", NULL};

static void parse_monitor(const config_setting_t *s, struct tl_config *c,
			  struct conf_problems *probs);
static void parse_alerts(const config_setting_t *s, struct tl_config *c,
			 struct conf_problems *probs);
static void parse_latency(const config_setting_t *s, struct tl_config *c,
			  struct conf_problems *probs);

/* The housekeeping section is validated by hk-conf.c. */
static void parse_housekeeping(const config_setting_t *s, struct tl_config *c,
			       struct conf_problems *probs)
{
	hk_conf_parse(s, &c->hk, probs);
}

/*
 * Top-level groups and their parsers. Later sections ("housekeeping",
 * "workloads") add one line here and one field block in struct tl_config.
 */
static const struct {
	const char *name;
	conf_section_fn *parse;
} conf_sections[] = {
	{"monitor", parse_monitor},
	{"alerts", parse_alerts},
	{"latency", parse_latency},
	{"housekeeping", parse_housekeeping},
};

const char *tl_source_name(enum tl_source s)
{
	return s >= 0 && s < SRC_COUNT ? source_names[s] : "?";
}

/*
 * Defaults, chosen for a CPU that runs one pinned task under nohz_full.
 * Rates are events per second per CPU, averaged over the window.
 */
void conf_defaults(struct tl_config *c)
{
	memset(c, 0, sizeof(*c));
	c->isolated.automatic = true;
	c->housekeeping.automatic = true;
	hk_config_defaults(&c->hk);
	c->monitor.interval_ms = 1000;
	c->monitor.window = 5;
	/* User-mm shootdowns should be 0 on an isolated CPU; 1/s tolerates a stray one. */
	c->monitor.threshold[SRC_TLB] = 1.0;
	/* CAL net of TLB: vmalloc flushes and smp_call_function; a quiet CPU sees a few a minute.
	 */
	c->monitor.threshold[SRC_CAL] = 1.0;
	/* Reschedule IPIs mean wakeups placed on the CPU; one task needs none. */
	c->monitor.threshold[SRC_RES] = 1.0;
	/* nohz_full keeps a 1 Hz residual tick with one task; 2/s is above it, far below HZ. */
	c->monitor.threshold[SRC_LOC] = 2.0;
	/* irq_work (perf, printk, RCU) should not target an isolated CPU. */
	c->monitor.threshold[SRC_IWI] = 1.0;
	/* Device IRQs should be 0 with managed_irq and irqaffinity; 1/s flags a steady source. */
	c->monitor.threshold[SRC_IRQ] = 1.0;
	c->monitor.clear_after = 5;
	c->monitor.baseline_samples = 300;
	c->monitor.baseline_factor = 4.0;
	c->monitor.attribution = false;
	c->latency.max_us = 20.0; /* oslat max per isolated CPU (check --latency) */
	c->alerts.journal = true;
	c->alerts.hook_timeout_ms = 5000;
	c->alerts.hook_min_interval_s = 60;
}

void conf_problem_add(struct conf_problems *probs, int line, const char *fmt, ...)
{
	struct conf_problem *p;
	va_list ap;

	if (probs->n >= CONF_PROBLEMS_MAX) {
		probs->dropped++;
		return;
	}
	p = &probs->items[probs->n++];
	p->line = line;
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
}

/* Edit distance of two short names, to suggest the key a typo meant. */
static int edit_distance(const char *a, const char *b)
{
	int la = strlen(a), lb = strlen(b), prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (int j = 0; j <= lb; j++)
		prev[j] = j;
	for (int i = 1; i <= la; i++) {
		cur[0] = i;
		for (int j = 1; j <= lb; j++) {
			int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			int del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, sizeof(int) * (lb + 1));
	}
	return prev[lb];
}

/* The known name closest to name, when close enough to be a typo. */
static const char *closest(const char *name, const char *const *known)
{
	const char *best = NULL;
	int bestd = 3;

	for (int i = 0; known[i]; i++) {
		int d = edit_distance(name, known[i]);

		if (d < bestd) {
			bestd = d;
			best = known[i];
		}
	}
	return best;
}

/* Join the known names as "a, b, c" for the message that lists them. */
static void join_names(const char *const *known, char *out, size_t outsz)
{
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; known[i] && n < outsz; i++)
		n += snprintf(out + n, outsz - n, "%s%s", i ? ", " : "", known[i]);
}

void conf_check_unknown(const config_setting_t *s, const char *const *known,
			struct conf_problems *probs)
{
	int n = config_setting_length(s);
	char list[200];

	for (int i = 0; i < n; i++) {
		config_setting_t *m = config_setting_get_elem(s, i);
		const char *name = config_setting_name(m), *hint;
		int k;

		for (k = 0; known[k] && strcmp(known[k], name); k++)
			;
		if (known[k])
			continue;
		hint = closest(name, known);
		join_names(known, list, sizeof(list));
		if (hint)
			conf_problem_add(probs, config_setting_source_line(m),
					 "unknown setting '%s' (did you mean '%s'?)", name, hint);
		else
			conf_problem_add(probs, config_setting_source_line(m),
					 "unknown setting '%s' (known: %s)", name, list);
	}
}

/* Look up an integer key, range-checked; absent keeps *out. */
static void get_int(const config_setting_t *g, const char *key, int min, int max, int *out,
		    struct conf_problems *probs)
{
	config_setting_t *m = config_setting_get_member(g, key);
	long long v;

	if (!m)
		return;
	if (config_setting_type(m) != CONFIG_TYPE_INT &&
	    config_setting_type(m) != CONFIG_TYPE_INT64) {
		conf_problem_add(probs, config_setting_source_line(m),
				 "%s: expected an integer in %d..%d", key, min, max);
		return;
	}
	v = config_setting_get_int64(m);
	if (v < min || v > max) {
		conf_problem_add(probs, config_setting_source_line(m),
				 "%s = %lld is out of range: allowed %d..%d", key, v, min, max);
		return;
	}
	*out = (int)v;
}

/* Look up a number (integer or float), range-checked; absent keeps *out. */
static void get_double(const config_setting_t *g, const char *key, double min, double max,
		       double *out, struct conf_problems *probs)
{
	config_setting_t *m = config_setting_get_member(g, key);
	double v;

	if (!m)
		return;
	switch (config_setting_type(m)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		v = (double)config_setting_get_int64(m);
		break;
	case CONFIG_TYPE_FLOAT:
		v = config_setting_get_float(m);
		break;
	default:
		conf_problem_add(probs, config_setting_source_line(m),
				 "%s: expected a number in %g..%g", key, min, max);
		return;
	}
	if (!(v >= min && v <= max)) {
		conf_problem_add(probs, config_setting_source_line(m),
				 "%s = %g is out of range: allowed %g..%g", key, v, min, max);
		return;
	}
	*out = v;
}

/* Look up a boolean key; absent keeps *out. */
static void get_bool(const config_setting_t *g, const char *key, bool *out,
		     struct conf_problems *probs)
{
	config_setting_t *m = config_setting_get_member(g, key);

	if (!m)
		return;
	if (config_setting_type(m) != CONFIG_TYPE_BOOL) {
		conf_problem_add(probs, config_setting_source_line(m), "%s: expected true or false",
				 key);
		return;
	}
	*out = config_setting_get_bool(m);
}

/*
 * Look up a path: "" turns the feature off, otherwise it must be absolute
 * (the daemon's working directory is "/", a relative path would surprise).
 */
static void get_path(const config_setting_t *g, const char *key, char *out, size_t outsz,
		     struct conf_problems *probs)
{
	config_setting_t *m = config_setting_get_member(g, key);
	const char *v;

	if (!m)
		return;
	v = config_setting_get_string(m);
	if (!v) {
		conf_problem_add(probs, config_setting_source_line(m),
				 "%s: expected a string: an absolute path, or \"\" for none", key);
		return;
	}
	if (v[0] && v[0] != '/') {
		conf_problem_add(probs, config_setting_source_line(m),
				 "%s = \"%s\": expected an absolute path, or \"\" for none", key,
				 v);
		return;
	}
	if (strlen(v) >= outsz) {
		conf_problem_add(probs, config_setting_source_line(m),
				 "%s: path longer than %zu bytes", key, outsz - 1);
		return;
	}
	snprintf(out, outsz, "%s", v);
}

/* The thresholds group: one events/s number per source. */
static void parse_thresholds(const config_setting_t *s, struct tl_config *c,
			     struct conf_problems *probs)
{
	if (!config_setting_is_group(s)) {
		conf_problem_add(probs, config_setting_source_line(s),
				 "thresholds: expected a group { tlb = 1.0; ... }");
		return;
	}
	conf_check_unknown(s, threshold_keys, probs);
	for (int i = 0; i < SRC_COUNT; i++)
		get_double(s, threshold_keys[i], 0.0, 1e6, &c->monitor.threshold[i], probs);
}

static const char *const monitor_keys[] = {
	"interval_ms",	    "window",	       "thresholds",  "clear_after",
	"baseline_samples", "baseline_factor", "attribution", NULL,
};

/* The monitor group: sampling, window, thresholds, hysteresis, baseline. */
static void parse_monitor(const config_setting_t *s, struct tl_config *c,
			  struct conf_problems *probs)
{
	config_setting_t *t;

	conf_check_unknown(s, monitor_keys, probs);
	get_int(s, "interval_ms", 50, 60000, &c->monitor.interval_ms, probs);
	get_int(s, "window", 1, 3600, &c->monitor.window, probs);
	get_int(s, "clear_after", 1, 3600, &c->monitor.clear_after, probs);
	get_int(s, "baseline_samples", 0, 1000000, &c->monitor.baseline_samples, probs);
	get_double(s, "baseline_factor", 1.0, 1000.0, &c->monitor.baseline_factor, probs);
	get_bool(s, "attribution", &c->monitor.attribution, probs);
	t = config_setting_get_member(s, "thresholds");
	if (t)
		parse_thresholds(t, c, probs);
}

static const char *const alerts_keys[] = {
	"journal", "hook", "hook_timeout_ms", "hook_min_interval_s", "prometheus_textfile", NULL,
};

/* The alerts group: journal, hook and its limits, Prometheus textfile. */
static void parse_alerts(const config_setting_t *s, struct tl_config *c,
			 struct conf_problems *probs)
{
	config_setting_t *m;

	conf_check_unknown(s, alerts_keys, probs);
	get_bool(s, "journal", &c->alerts.journal, probs);
	get_path(s, "hook", c->alerts.hook, sizeof(c->alerts.hook), probs);
	get_int(s, "hook_timeout_ms", 100, 600000, &c->alerts.hook_timeout_ms, probs);
	get_int(s, "hook_min_interval_s", 0, 86400, &c->alerts.hook_min_interval_s, probs);
	get_path(s, "prometheus_textfile", c->alerts.prometheus_textfile,
		 sizeof(c->alerts.prometheus_textfile), probs);
	/* node_exporter's textfile collector only reads *.prom files. */
	m = config_setting_get_member(s, "prometheus_textfile");
	if (m && c->alerts.prometheus_textfile[0]) {
		size_t n = strlen(c->alerts.prometheus_textfile);

		if (n < 6 || strcmp(c->alerts.prometheus_textfile + n - 5, ".prom"))
			conf_problem_add(probs, config_setting_source_line(m),
					 "prometheus_textfile: must end in \".prom\" "
					 "(node_exporter reads only those)");
	}
}

static const char *const latency_keys[] = {"max_us", NULL};

/* The latency group: the oslat threshold of check --latency and the latency verb. */
static void parse_latency(const config_setting_t *s, struct tl_config *c,
			  struct conf_problems *probs)
{
	conf_check_unknown(s, latency_keys, probs);
	get_double(s, "max_us", 1.0, 1e6, &c->latency.max_us, probs);
}

/* "auto" or a cpulist, for isolated_cpus and housekeeping_cpus. */
static void parse_cpus(const config_setting_t *m, struct conf_cpus *out,
		       struct conf_problems *probs)
{
	const char *v = config_setting_get_string(m), *key = config_setting_name(m);
	struct tl_err e = {0};

	if (!v) {
		conf_problem_add(probs, config_setting_source_line(m),
				 "%s: expected a string: \"auto\" or a cpulist such as \"2-7\"",
				 key);
		return;
	}
	if (!strcmp(v, "auto")) {
		out->automatic = true;
		return;
	}
	if (cpulist_parse(v, &out->set, &e) < 0 || cpuset_empty(&out->set)) {
		conf_problem_add(probs, config_setting_source_line(m),
				 "%s = \"%s\": %s; expected \"auto\" or a cpulist such as \"2-7\"",
				 key, v, e.code ? e.msg : "empty set");
		return;
	}
	out->automatic = false;
}

/* An explicit isolated set and an explicit housekeeping set must not overlap. */
static void check_cpu_overlap(const config_t *cfg, const struct tl_config *c,
			      struct conf_problems *probs)
{
	config_setting_t *m = config_lookup(cfg, "housekeeping_cpus");

	if (c->isolated.automatic || c->housekeeping.automatic || !m)
		return;
	if (cpuset_intersects(&c->isolated.set, &c->housekeeping.set))
		conf_problem_add(probs, config_setting_source_line(m),
				 "housekeeping_cpus overlaps isolated_cpus: a CPU is one or the "
				 "other");
}

/* The workloads list, parsed by workload-conf.c into a heap copy the config owns. */
static void parse_workloads(const config_setting_t *m, struct tl_config *c,
			    struct conf_problems *probs)
{
	struct workload_rules *r = calloc(1, sizeof(*r));

	if (!r) {
		conf_problem_add(probs, config_setting_source_line(m), "workloads: out of memory");
		return;
	}
	if (workload_conf_parse(m, r, probs) < 0 || r->n == 0) {
		workload_rules_free(r);
		free(r);
		return;
	}
	conf_free(c); /* a second workloads list: libconfig reports the duplicate */
	c->workloads = r;
}

/* Dispatch one top-level setting to its parser; false when the name is unknown. */
static bool parse_top(const config_setting_t *m, struct tl_config *c, struct conf_problems *probs)
{
	const char *name = config_setting_name(m);

	if (!strcmp(name, "isolated_cpus")) {
		parse_cpus(m, &c->isolated, probs);
		return true;
	}
	if (!strcmp(name, "housekeeping_cpus")) {
		parse_cpus(m, &c->housekeeping, probs);
		return true;
	}
	/* A list, not a group: the section table does not fit it. */
	if (!strcmp(name, "workloads")) {
		parse_workloads(m, c, probs);
		return true;
	}
	for (size_t i = 0; i < sizeof(conf_sections) / sizeof(conf_sections[0]); i++) {
		if (strcmp(name, conf_sections[i].name))
			continue;
		if (!config_setting_is_group(m))
			conf_problem_add(probs, config_setting_source_line(m),
					 "%s: expected a group: %s = { ... };", name, name);
		else
			conf_sections[i].parse(m, c, probs);
		return true;
	}
	return false;
}

/* Walk the top level; unknown names are reported with the known ones. */
static void parse_root(const config_t *cfg, struct tl_config *c, struct conf_problems *probs)
{
	const char *known[8] = {"isolated_cpus", "housekeeping_cpus", "workloads"};
	config_setting_t *root = config_root_setting(cfg);
	size_t nk = 3;

	for (size_t i = 0; i < sizeof(conf_sections) / sizeof(conf_sections[0]); i++)
		known[nk++] = conf_sections[i].name;
	known[nk] = NULL;
	for (int i = 0; i < config_setting_length(root); i++) {
		config_setting_t *m = config_setting_get_elem(root, i);

		if (!parse_top(m, c, probs)) {
			const char *hint = closest(config_setting_name(m), known);
			char list[200];

			join_names(known, list, sizeof(list));
			conf_problem_add(probs, config_setting_source_line(m),
					 hint ? "unknown setting '%s' (did you mean '%s'?)"
					      : "unknown setting '%s' (known: %s)",
					 config_setting_name(m), hint ? hint : list);
		}
	}
	check_cpu_overlap(cfg, c, probs);
}

/* Read the file with libconfig; a syntax error is one problem with its line. */
static int conf_read(config_t *cfg, const char *path, struct conf_problems *probs, struct tl_err *e)
{
	if (config_read_file(cfg, path) == CONFIG_TRUE)
		return 0;
	if (config_error_type(cfg) == CONFIG_ERR_FILE_IO)
		return tl_err_sys(e, errno ? errno : EIO, "%s: cannot read", path);
	conf_problem_add(probs, config_error_line(cfg), "%s", config_error_text(cfg));
	return tl_err_set(e, EINVAL, "%s: syntax error", path);
}

int conf_load(struct tl_config *c, const char *path, bool missing_ok, struct conf_problems *probs,
	      struct tl_err *e)
{
	struct tl_config tmp;
	struct stat st;
	config_t cfg;
	int r;

	probs->n = 0;
	probs->dropped = 0;
	conf_defaults(&tmp);
	if (stat(path, &st) < 0) {
		if (errno == ENOENT && missing_ok) {
			*c = tmp;
			return 0;
		}
		return tl_err_sys(e, errno, "%s", path);
	}
	if (strlen(path) >= sizeof(tmp.path))
		return tl_err_set(e, ENAMETOOLONG, "%s: path too long", path);
	config_init(&cfg);
	r = conf_read(&cfg, path, probs, e);
	if (r == 0) {
		parse_root(&cfg, &tmp, probs);
		if (probs->n)
			r = tl_err_set(e, EINVAL, "%s: %d problem%s", path,
				       probs->n + probs->dropped,
				       probs->n + probs->dropped == 1 ? "" : "s");
	}
	config_destroy(&cfg);
	if (r < 0) {
		conf_free(&tmp);
		return r;
	}
	snprintf(tmp.path, sizeof(tmp.path), "%s", path);
	*c = tmp;
	return 0;
}

void conf_free(struct tl_config *c)
{
	if (!c->workloads)
		return;
	workload_rules_free(c->workloads);
	free(c->workloads);
	c->workloads = NULL;
}

void conf_problems_format(const struct conf_problems *probs, const char *path, char *out,
			  size_t outsz)
{
	size_t n = 0;

	if (outsz)
		out[0] = '\0';
	for (int i = 0; i < probs->n && n < outsz; i++) {
		const struct conf_problem *p = &probs->items[i];

		if (p->line > 0)
			n += snprintf(out + n, outsz - n, "%s:%d: %s\n", path, p->line, p->msg);
		else
			n += snprintf(out + n, outsz - n, "%s: %s\n", path, p->msg);
	}
	if (probs->dropped && n < outsz)
		snprintf(out + n, outsz - n, "%s: %d more problem%s not shown\n", path,
			 probs->dropped, probs->dropped == 1 ? "" : "s");
}
