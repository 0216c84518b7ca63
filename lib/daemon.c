// SPDX-License-Identifier: GPL-2.0-or-later
/* tlbisod's start, sample and reload steps; see daemon.h. */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cpufeat.h"
#include "daemon.h"
#include "statefile.h"

void tlbisod_opts_defaults(struct tlbisod_opts *o)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->config, sizeof(o->config), "%s", TL_CONF_DEFAULT_PATH);
	snprintf(o->runtime_dir, sizeof(o->runtime_dir), "%s", TLBISOD_RUNTIME_DIR);
	snprintf(o->state_dir, sizeof(o->state_dir), "%s", TLBISOD_STATE_DIR);
}

int tlbisod_load_config(const struct tlbisod_opts *o, struct tl_config *c, char *msg, size_t msgsz,
			struct tl_err *e)
{
	struct conf_problems probs;
	int r;

	msg[0] = '\0';
	r = conf_load(c, o->config, !o->config_given, &probs, e);
	if (r == -EINVAL && probs.n)
		conf_problems_format(&probs, o->config, msg, msgsz);
	else if (r < 0)
		snprintf(msg, msgsz, "%s\n", e->msg);
	return r;
}

/* Keep the check verdicts for the textfile; the report itself is freed. */
static void keep_checks(struct tlbisod *d, const struct check_report *rep)
{
	free(d->checks);
	d->nchecks = 0;
	d->checks = calloc(rep->n ? rep->n : 1, sizeof(*d->checks));
	if (!d->checks) {
		snprintf(d->checks_note, sizeof(d->checks_note), "out of memory");
		return;
	}
	for (int i = 0; i < rep->n; i++) {
		snprintf(d->checks[i].id, sizeof(d->checks[i].id), "%s", rep->results[i].id);
		d->checks[i].status = rep->results[i].status;
	}
	d->nchecks = rep->n;
	d->checks_note[0] = '\0';
}

/* Run the deployment checks once (no live sampling) for tlbiso_check_status. */
static void run_checks(struct tlbisod *d, const struct tl_facts *f)
{
	struct check_options o = {0};
	struct check_report rep = {0};
	struct tl_err e = {0};

	o.conf_cpus = d->conf.isolated.automatic ? NULL : &d->conf.isolated.set;
	if (check_run(f, &d->path, &o, &rep, &e) < 0) {
		snprintf(d->checks_note, sizeof(d->checks_note), "checks did not run: %s", e.msg);
		check_report_free(&rep);
		return;
	}
	keep_checks(d, &rep);
	check_report_free(&rep);
}

/* The nohz_full CPUs: the kernel's sysfs view when present, else the command line. */
static void resolve_nohz(struct tlbisod *d, const struct tl_facts *f)
{
	cpuset_zero(&d->nohz);
	if (f->has_sysfs_nohz_full)
		d->nohz = f->sysfs_nohz_full;
	else if (f->cmdline.has_nohz_full)
		d->nohz = f->cmdline.nohz_full;
}

/*
 * Resolve the CPU sets and the deferral verdict from the same facts check
 * uses. The facts stay in *f for the checks, which run once pinned.
 */
static int resolve_facts(struct tlbisod *d, struct tl_facts *f, struct tl_err *e)
{
	const struct cpuset *explicit_set =
		d->conf.isolated.automatic ? NULL : &d->conf.isolated.set;
	struct cpuid_source src;
	int r;

	memset(f, 0, sizeof(*f));
	cpuid_source_for_path(&src, &d->path);
	r = facts_gather(f, &d->path, &src, e);
	if (r < 0) {
		facts_free(f);
		return r;
	}
	d->origin = facts_isolated_set(f, explicit_set, explicit_set ? ISOL_CONFIG : ISOL_NONE,
				       &d->isolated, &d->housekeeping);
	if (!d->conf.housekeeping.automatic)
		d->housekeeping = d->conf.housekeeping.set;
	resolve_nohz(d, f);
	deferral_assess(f, &d->isolated, &d->deferral);
	snprintf(d->release, sizeof(d->release), "%s", f->release);
	snprintf(d->boot_id, sizeof(d->boot_id), "%s", f->boot_id);
	return 0;
}

/*
 * Pin to the housekeeping CPUs we are allowed on. Under a sysroot the sets
 * describe another machine: only their overlap with this one is used.
 */
static void pin_housekeeping(struct tlbisod *d)
{
	struct cpuset allowed, target;
	cpu_set_t cs;

	d->pin_note[0] = '\0';
	if (sched_getaffinity(0, sizeof(cs), &cs) < 0) {
		snprintf(d->pin_note, sizeof(d->pin_note), "sched_getaffinity: %s",
			 strerror(errno));
		return;
	}
	cpuset_from_glibc(&allowed, &cs, sizeof(cs));
	cpuset_and(&target, &allowed, &d->housekeeping);
	if (cpuset_empty(&target)) {
		snprintf(d->pin_note, sizeof(d->pin_note),
			 "not pinned: no housekeeping CPU among the allowed ones");
		return;
	}
	cpuset_to_glibc(&target, &cs, sizeof(cs));
	if (sched_setaffinity(0, sizeof(cs), &cs) < 0)
		snprintf(d->pin_note, sizeof(d->pin_note), "sched_setaffinity: %s",
			 strerror(errno));
}

/*
 * Facts, then pinning before anything heavy (the checks, the monitor, the
 * socket, the hook all run on housekeeping CPUs), then the checks.
 */
static int resolve_and_pin(struct tlbisod *d, struct tl_err *e)
{
	struct tl_facts f;
	int r = resolve_facts(d, &f, e);

	if (r < 0)
		return r;
	pin_housekeeping(d);
	run_checks(d, &f);
	facts_free(&f);
	return 0;
}

/* Compare with the previous start's record, then write this one. */
static const struct alert *check_state(struct tlbisod *d, time_t now)
{
	struct state_record prev, cur = {0};
	const struct alert *lost = NULL;
	struct tl_err e = {0};

	snprintf(cur.release, sizeof(cur.release), "%s", d->release);
	snprintf(cur.boot_id, sizeof(cur.boot_id), "%s", d->boot_id);
	cur.deferral_expected = d->deferral.expected;
	snprintf(cur.mechanism, sizeof(cur.mechanism), "%s",
		 deferral_mechanism_name(d->deferral.mechanism));
	if (state_read(d->opt.state_dir, &prev, &e) == 0 && state_lost_deferral(&prev, &cur))
		lost = alerts_raise_lost_deferral(&d->alerts, cur.lost_from, d->deferral.missing,
						  &d->isolated, now);
	d->state_degraded = false;
	d->state_error[0] = '\0';
	if (state_write(d->opt.state_dir, &cur, &e) < 0) {
		d->state_degraded = true;
		snprintf(d->state_error, sizeof(d->state_error), "%s", e.msg);
	}
	return lost;
}

/* (Re)build the monitor for the current CPU sets and window. */
static int build_monitor(struct tlbisod *d, struct tl_err *e)
{
	int r;

	if (d->mon_ready)
		monitor_free(&d->mon);
	d->mon_ready = false;
	r = monitor_init(&d->mon, &d->isolated, &d->nohz, d->conf.monitor.window,
			 d->conf.monitor.baseline_samples, e);
	if (r == 0)
		d->mon_ready = true;
	return r;
}

int tlbisod_start(struct tlbisod *d, const struct tl_logger *log, const struct alert **lost,
		  struct tl_err *e)
{
	int r;

	d->log = log;
	d->hook_pid = -1;
	d->hook_pidfd = -1;
	*lost = NULL;
	alert_engine_init(&d->alerts);
	r = tl_path_init(&d->path, d->opt.sysroot[0] ? d->opt.sysroot : NULL, e);
	if (r < 0)
		return r;
	d->path_open = true;
	r = resolve_and_pin(d, e);
	if (r < 0)
		return r;
	r = build_monitor(d, e);
	if (r < 0)
		return r;
	*lost = check_state(d, time(NULL));
	/* Pinned and resolved: housekeeping and workloads before the first sample and READY. */
	tlbisod_hk_start(d);
	tlbisod_wl_start(d);
	/* Pinned: the tracer's set-up runs on housekeeping CPUs too. */
	tlbisod_attr_apply(d);
	return 0;
}

int tlbisod_sample(struct tlbisod *d, uint64_t now_ns, time_t now, struct alert_event *ev,
		   int maxev, struct tl_err *e)
{
	struct alert_inputs in = {
		.m = &d->mon,
		.conf = &d->conf.monitor,
		.deferral_expected = d->deferral.expected,
		.now = now,
	};
	int r;

	/* What the trace buffers hold first, so that an alert raised now names its senders. */
	tlbisod_attr_read(d, -1);
	r = monitor_sample(&d->mon, &d->path, now_ns, e);
	if (r < 0) {
		d->sample_errors++;
		d->last_sample_failed = true;
		snprintf(d->sample_error, sizeof(d->sample_error), "%s", e->msg);
		return r;
	}
	d->samples_ok++;
	d->last_sample_failed = false;
	d->last_sample = now;
	r = alerts_evaluate(&d->alerts, &in, ev, maxev);
	tlbisod_attr_attach(d);
	return r;
}

/* Does the new config need the CPU sets or the monitor rebuilt? */
static bool needs_rebuild(const struct tl_config *a, const struct tl_config *b)
{
	return a->isolated.automatic != b->isolated.automatic ||
	       !cpuset_equal(&a->isolated.set, &b->isolated.set) ||
	       a->housekeeping.automatic != b->housekeeping.automatic ||
	       !cpuset_equal(&a->housekeeping.set, &b->housekeeping.set) ||
	       a->monitor.window != b->monitor.window ||
	       a->monitor.baseline_samples != b->monitor.baseline_samples;
}

/*
 * Apply a validated config: swap it in, re-resolving what depends on it.
 * On success the old config is in *old for the caller to free.
 */
static int apply_config(struct tlbisod *d, const struct tl_config *nc, struct tl_config *old,
			struct tl_err *e)
{
	int r;

	*old = d->conf;
	d->conf = *nc;
	if (!needs_rebuild(old, nc))
		return 0;
	r = resolve_and_pin(d, e);
	if (r == 0)
		r = build_monitor(d, e);
	if (r < 0) {
		d->conf = *old;
		return r;
	}
	return 0;
}

/*
 * The new config is in force: restore the old housekeeping and apply the
 * new (a `restore` suspension ends here), and rebuild the workload engine
 * before the old rules it points at are freed.
 */
static void restart_hk_wl(struct tlbisod *d, struct tl_config *old)
{
	tlbisod_wl_stop(d);
	tlbisod_hk_stop(d);
	d->hk_suspended = false;
	d->hk_error[0] = '\0';
	tlbisod_hk_start(d);
	tlbisod_wl_start(d);
	tlbisod_attr_apply(d);
	conf_free(old);
}

int tlbisod_reload(struct tlbisod *d, struct tl_err *e)
{
	struct tl_config *nc = malloc(sizeof(*nc)), *old = malloc(sizeof(*old));
	int r;

	if (!nc || !old) {
		free(nc);
		free(old);
		return tl_err_set(e, ENOMEM, "out of memory");
	}
	r = tlbisod_load_config(&d->opt, nc, d->last_reload_error, sizeof(d->last_reload_error), e);
	if (r == 0) {
		r = apply_config(d, nc, old, e);
		if (r < 0)
			conf_free(nc);
		else
			restart_hk_wl(d, old);
	}
	free(nc);
	free(old);
	if (r < 0) {
		if (!d->last_reload_error[0])
			snprintf(d->last_reload_error, sizeof(d->last_reload_error), "%s", e->msg);
		d->reload_failed = true;
		return r;
	}
	d->reload_failed = false;
	d->last_reload_error[0] = '\0';
	return 0;
}

void tlbisod_free(struct tlbisod *d)
{
	tlbisod_attr_stop(d);
	tlbisod_wl_stop(d);
	conf_free(&d->conf);
	if (d->mon_ready)
		monitor_free(&d->mon);
	d->mon_ready = false;
	if (d->path_open)
		tl_path_fini(&d->path);
	d->path_open = false;
	free(d->checks);
	d->checks = NULL;
	tl_buf_free(&d->prom);
}
