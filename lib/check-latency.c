// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check --latency: rt-tests' oslat on the isolated CPUs (lib/latency.c),
 * one "latency.max" result per CPU, the CPU in evidence.cpu. The id names
 * the check, not the CPU, so it is the same on every machine; consumers
 * select by id and read the CPU from the evidence. A missing oslat, or one
 * that could not run, is a warn: the node may be fine, we could not tell.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>

#include "check-impl.h"
#include "latency.h"
#include "oslat.h"

#define LATENCY_ID "latency.max"

static const char install_remedy[] =
	"install rt-tests: apt-get install rt-tests (Debian, Ubuntu) or dnf install rt-tests "
	"(RHEL, Fedora)";

/* A single latency.max result for the cases where nothing was measured. */
static struct check_result *one(struct check_report *r, struct tl_err *e)
{
	struct check_result *res = check_report_add(r, LATENCY_ID, true);

	if (!res || !res->evidence) {
		tl_err_set(e, ENOMEM, "out of memory for check results");
		return NULL;
	}
	return res;
}

/* The CPU oslat's main thread runs on: the first housekeeping CPU, -1 if none. */
static int main_cpu(const struct check_ctx *c)
{
	return cpuset_next(c->housekeeping, 0);
}

/* Why nothing could be measured, as one result; false when measuring can go on. */
static bool cannot_measure(struct check_ctx *c, struct check_result *res, char *bin, size_t sz)
{
	struct tl_err fe = {0};

	if (!c->p->live) {
		check_set(res, CHECK_SKIP, "live check: not run on a sysroot");
		return true;
	}
	if (check_need_isolated(c, res))
		return true;
	if (main_cpu(c) < 0) {
		check_set(res, CHECK_WARN, "no housekeeping CPU left for oslat's main thread");
		check_remedy(res, "keep at least one CPU (the boot CPU's core) out of the "
				  "isolated set");
		return true;
	}
	if (oslat_find(bin, sz, &fe) < 0) {
		check_set(res, CHECK_WARN,
			  "oslat (rt-tests) is not installed: latency not measured");
		ev_str(res, "error", fe.msg);
		check_remedy(res, "%s", install_remedy);
		return true;
	}
	return false;
}

/* Fill one per-CPU result from the measurement. */
static void cpu_result(const struct lat_report *lr, const struct lat_cpu *lc,
		       struct check_result *res)
{
	static const enum check_status st[] = {CHECK_PASS, CHECK_FAIL, CHECK_SKIP};
	json_object *ev = latency_cpu_json(lc);
	char sum[sizeof(res->summary)];

	json_object_object_foreach(ev, k, v) ev_obj(res, k, json_object_get(v));
	json_object_put(ev);
	ev_double(res, "threshold_us", lr->max_us);
	ev_int(res, "seconds", lr->seconds);
	ev_int(res, "main_cpu", lr->main_cpu);
	latency_cpu_summary(lc, lr->max_us, sum, sizeof(sum));
	check_set(res, st[lc->verdict], "%s", sum);
	if (lc->verdict == LAT_FAIL)
		check_remedy(res,
			     "remove what landed on CPU %d during the run: the interrupts "
			     "listed (interrupts.* checks, irq.affinity), then rerun "
			     "tlbisoctl latency --cpus %d",
			     lc->cpu, lc->cpu);
}

/* Measure and add one result per CPU. */
static int measure(struct check_ctx *c, struct check_report *r, const char *bin, struct tl_err *e)
{
	struct lat_options lo = {
		.cpus = c->isolated,
		.main_cpu = main_cpu(c),
		.seconds = c->o->latency_seconds,
		.max_us = c->o->latency_max_us > 0 ? c->o->latency_max_us : LAT_DEFAULT_MAX_US,
		.force = c->o->latency_force,
		.oslat = bin,
	};
	struct tl_err le = {0};
	struct lat_report lr;
	struct check_result *res = NULL;

	if (latency_measure(c->p, &lo, &lr, &le) < 0) {
		if (le.code == ENOMEM || !(res = one(r, e)))
			return tl_err_set(e, ENOMEM, "out of memory");
		check_set(res, CHECK_WARN, "could not measure latency: %s", le.msg);
		ev_str(res, "oslat", bin);
		r->counts[res->status]++;
		return 0;
	}
	if (lr.n == 0 && (res = one(r, e))) {
		check_set(res, CHECK_WARN, "oslat measured no CPU");
		r->counts[res->status]++;
	}
	for (int i = 0; i < lr.n; i++) {
		if (!(res = one(r, e)))
			break;
		cpu_result(&lr, &lr.cpus[i], res);
		ev_str(res, "oslat", bin);
		ev_str(res, "oslat_version", lr.version);
		r->counts[res->status]++;
	}
	latency_report_free(&lr);
	return res ? 0 : -ENOMEM;
}

int check_run_latency(struct check_ctx *c, struct check_report *r, struct tl_err *e)
{
	struct check_result *res;
	char bin[PATH_MAX];

	/* Decide on a scratch result first; it is kept only when nothing can be measured. */
	res = one(r, e);
	if (!res)
		return -ENOMEM;
	if (cannot_measure(c, res, bin, sizeof(bin))) {
		r->counts[res->status]++;
		return 0;
	}
	json_object_put(res->evidence);
	r->n--;
	return measure(c, r, bin, e);
}
