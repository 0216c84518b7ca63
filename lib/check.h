/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The deployment checks behind `tlbisoctl check`. Each check has a stable
 * id, a status, a one-line summary, the evidence it read (a json-c object)
 * and a remedy: the exact boot parameter, command or config line to use.
 */
#ifndef TLBISO_CHECK_H
#define TLBISO_CHECK_H

#include <json-c/json.h>
#include <stdbool.h>

#include "cpuset.h"
#include "facts.h"
#include "path.h"

enum check_status { CHECK_PASS, CHECK_WARN, CHECK_FAIL, CHECK_SKIP, CHECK_STATUS_COUNT };

const char *check_status_name(enum check_status s); /* "pass", "warn", "fail", "skip" */

struct check_result {
	char id[48];
	enum check_status status;
	bool live;		 /* depends on the running system (sampling), skipped on a dump */
	char summary[512];
	char remedy[768];	 /* "" when nothing to do */
	json_object *evidence;	 /* owned */
};

struct check_report {
	int n, cap;
	struct check_result *results;
	int counts[CHECK_STATUS_COUNT];
	struct cpuset isolated, housekeeping;
	enum isol_origin origin;
};

struct check_options {
	const struct cpuset *cpus;	/* --cpus, or NULL */
	const struct cpuset *conf_cpus; /* isolated_cpus from the config, or NULL */
	int sample_seconds;		/* --sample, 0 = no live checks */
	const double *thresholds;	/* events/s per CPU indexed by enum tl_source (conf.h), or NULL for defaults */
};

int check_run(const struct tl_facts *f, const struct tl_path *p, const struct check_options *o,
	      struct check_report *r, struct tl_err *e);
void check_report_free(struct check_report *r);

/* The result with this id, or NULL (tests and the daemon's verdict use it). */
const struct check_result *check_report_find(const struct check_report *r, const char *id);

/* Exit status of `tlbisoctl check`: 0 no fail, 1 a fail. (2 usage/config, 3 could not run.) */
int check_report_exit(const struct check_report *r);

#endif
