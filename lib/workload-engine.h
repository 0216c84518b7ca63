/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's workload engine: finds the processes the rules match (at
 * start, then from proc connector events, or by scanning /proc each tick
 * when the connector is unavailable), applies the rules to every thread,
 * remembers what it did per pid for status, and reports intruders: busy
 * processes that no rule placed on an isolated CPU.
 *
 * It leaves unmatched processes alone and never touches its own process.
 * The daemon owns the loop: it polls workload_engine_fd(), calls
 * workload_engine_on_readable() when it is readable, and
 * workload_engine_tick() once per interval.
 */
#ifndef TLBISO_WORKLOAD_ENGINE_H
#define TLBISO_WORKLOAD_ENGINE_H

#include <json-c/json.h>
#include <stdio.h>

#include "cpuset.h"
#include "err.h"
#include "path.h"
#include "procevents.h"
#include "topo.h"
#include "workload.h"

enum wl_finding_kind {
	WL_FINDING_INTRUDER,	 /* an unmatched busy task on an isolated CPU */
	WL_FINDING_APPLY_FAILED, /* a rule could not be applied (msg says why) */
};

struct wl_finding {
	enum wl_finding_kind kind;
	pid_t pid, tid;
	char comm[PROC_COMM_MAX + 1];
	int cpu;		/* intruder: the isolated CPU it runs on; else -1 */
	char rule[WL_NAME_MAX]; /* apply_failed: the rule */
	char msg[192];
};

#define WL_FINDINGS_MAX 64

struct wl_findings {
	int n;
	int dropped; /* findings beyond WL_FINDINGS_MAX */
	struct wl_finding items[WL_FINDINGS_MAX];
};

const char *wl_finding_kind_name(enum wl_finding_kind k); /* "intruder", "apply_failed" */

struct workload_engine {
	const struct workload_rules *rules;
	const struct tl_path *path;
	struct cpuset isolated;
	const struct topology *topo; /* for numa = "local"; NULL: unknown */
	struct wl_ops ops;
	struct procevents pe;
	char pe_error[128]; /* why events are unavailable, "" when they work */
	unsigned long pe_lost_seen;
	pid_t self;
	unsigned int need; /* match kinds in use, for wl_proc_read */
	struct wl_applied *recs;
	int nrecs, caprecs;
	pid_t *pending; /* pids to examine, from events */
	int npending, cappending;
	bool scanned; /* the first full scan is done */
	unsigned long ticks;
	unsigned long events, applied; /* counters for status */
};

/*
 * Start the engine: subscribe to process events when there are rules and the
 * system is live. Under a sysroot nothing is ever acted on: applying there is
 * a dry run that only records. The rules, path and topology must outlive the
 * engine. The first workload_engine_tick() scans every running process, so
 * the daemon calls it right after init (before READY=1).
 */
int workload_engine_init(struct workload_engine *w, const struct workload_rules *rules,
			 const struct tl_path *p, const struct cpuset *isolated, struct tl_err *e);

/* The node of each CPU for numa = "local" (the daemon's facts carry it). */
void workload_engine_set_topology(struct workload_engine *w, const struct topology *t);

/* Replace what applying does (tests). */
void workload_engine_set_ops(struct workload_engine *w, const struct wl_ops *ops);

/* The proc connector's fd to poll for POLLIN, or -1 (then only ticks work). */
int workload_engine_fd(const struct workload_engine *w);

/* Drain process events and apply rules to the processes they concern. */
int workload_engine_on_readable(struct workload_engine *w, struct wl_findings *out,
				struct tl_err *e);

/*
 * Once per interval: scan /proc for new processes when events are unavailable
 * or were lost, re-apply rules to threads that drifted or appeared, forget
 * exited processes, and report intruders on the isolated CPUs.
 */
int workload_engine_tick(struct workload_engine *w, struct wl_findings *out, struct tl_err *e);

/*
 * Status as JSON: {"mode": "events"|"scan"|"off", "rules": N, "workloads": [{"rule",
 * "pid", "comm", "cpus", "policy", "priority", "numa", "nodes", "threads": [{"tid",
 * "cpus"}], "error"}]}. The caller owns the returned object.
 */
struct json_object *workload_engine_status_json(const struct workload_engine *w);

void workload_engine_free(struct workload_engine *w);

/*
 * The status above as text for `tlbisoctl status` (lib/render-workloads.c):
 * one line per workload, one per thread with its CPUs. Works on the JSON as
 * received from the daemon; unknown or missing keys are tolerated.
 */
void workload_status_render_text(FILE *out, struct json_object *status);

#endif
