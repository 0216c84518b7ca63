/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /etc/tlbiso/tlbiso.conf (libconfig syntax), loaded and validated in one
 * pass. Every problem is reported as "file:line: message" with the allowed
 * values, all of them, not only the first. A missing file means defaults:
 * monitor only, change nothing.
 */
#ifndef TLBISO_CONF_H
#define TLBISO_CONF_H

#include <libconfig.h>
#include <limits.h>
#include <stdbool.h>

#include "cpuset.h"
#include "err.h"
#include "housekeeping.h"

struct workload_rules; /* workload-conf.h, which includes this header */

#define TL_CONF_DEFAULT_PATH "/etc/tlbiso/tlbiso.conf"

/* Interrupt sources the monitor rates and thresholds. */
enum tl_source {
	SRC_TLB,
	SRC_CAL,
	SRC_RES,
	SRC_LOC,
	SRC_IWI,
	SRC_IRQ, /* numbered device IRQs, summed per CPU */
	SRC_COUNT,
};

const char *tl_source_name(enum tl_source s); /* "TLB", "CAL", ... "IRQ" */

struct conf_cpus {
	bool automatic;	   /* "auto": from nohz_full, then isolated */
	struct cpuset set; /* when !automatic */
};

struct conf_monitor {
	int interval_ms;	     /* default 1000, 50..60000 */
	int window;		     /* samples in the rate window, default 5 */
	double threshold[SRC_COUNT]; /* events/s per CPU */
	int clear_after;	     /* quiet samples before an alert clears, default 5 */
	int baseline_samples;	     /* samples to learn the baseline, default 300 */
	double baseline_factor;	     /* regression when rate > factor * baseline, default 4 */
	bool attribution;	     /* arm tracepoints (issue: attribution) */
};

struct conf_alerts {
	bool journal;			    /* default true */
	char hook[PATH_MAX];		    /* "" = none */
	int hook_timeout_ms;		    /* default 5000 */
	int hook_min_interval_s;	    /* rate limit, default 60 */
	char prometheus_textfile[PATH_MAX]; /* "" = off */
};

struct conf_latency {
	double max_us; /* oslat max per isolated CPU, default 20, 1..1e6 */
};

struct tl_config {
	char path[PATH_MAX]; /* the file loaded, "" when defaults */
	struct conf_cpus isolated, housekeeping;
	struct conf_monitor monitor;
	struct conf_alerts alerts;
	struct conf_latency latency;
	struct hk_config hk; /* the housekeeping section (hk-conf.c) */
	/*
	 * The workloads list (workload-conf.c), on the heap, NULL when there
	 * is none. Copies of the struct share it: the owner calls conf_free().
	 */
	struct workload_rules *workloads;
};

/* One problem found while loading; the loader collects all of them. */
struct conf_problem {
	int line; /* 0 when not tied to a line */
	char msg[256];
};

#define CONF_PROBLEMS_MAX 32

struct conf_problems {
	int n;
	int dropped; /* problems beyond CONF_PROBLEMS_MAX, counted only */
	struct conf_problem items[CONF_PROBLEMS_MAX];
};

/*
 * Extension point for later sections ("housekeeping", "workloads"): a parser
 * for one top-level group. It validates s, records every problem with the
 * setting's line (conf_problem_add), and fills its part of c. c is a scratch
 * copy: it becomes the live config only when no problem was recorded.
 * Register it in the section table at the top of conf.c.
 */
typedef void conf_section_fn(const config_setting_t *s, struct tl_config *c,
			     struct conf_problems *probs);

/* Record one problem (at most CONF_PROBLEMS_MAX are kept, the rest are counted). */
void conf_problem_add(struct conf_problems *probs, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Report names in group s that are not in known (NULL-terminated), with a "did you mean". */
void conf_check_unknown(const config_setting_t *s, const char *const *known,
			struct conf_problems *probs);

void conf_defaults(struct tl_config *c);

/*
 * Load and validate path into c. Returns 0, -ENOENT when the file does not
 * exist and missing_ok is false, or -EINVAL with every problem in probs.
 * On error c is left untouched, so a reload can keep the old config; on
 * success c is overwritten without freeing: conf_free() the old one first
 * when it is not kept.
 */
int conf_load(struct tl_config *c, const char *path, bool missing_ok, struct conf_problems *probs,
	      struct tl_err *e);

/* Free what a loaded config owns (the workload rules); c is then the defaults' equal. */
void conf_free(struct tl_config *c);

/* Format all problems as "file:line: message\n..." for the edges to print. */
void conf_problems_format(const struct conf_problems *probs, const char *path, char *out,
			  size_t outsz);

#endif
