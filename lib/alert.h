/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Alerts: a fixed set of slots, one per (type, source), each a small state
 * machine. An alert is raised once when the windowed rate of its channel goes
 * above the threshold on some watched CPU, and cleared once after clear_after
 * consecutive samples without. The CPUs of an active alert accumulate.
 */
#ifndef TLBISO_ALERT_H
#define TLBISO_ALERT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "conf.h"
#include "cpuset.h"
#include "monitor.h"

enum alert_type {
	AL_TLB_SHOOTDOWN,
	AL_KERNEL_TLB_FLUSH,
	AL_IPI_OTHER,
	AL_TICK,
	AL_DEVICE_IRQ,
	AL_REGRESSION,
	AL_DEFERRAL_REGRESSED,
	AL_INTRUDER, /* a busy task no workload rule placed runs on an isolated CPU */
	AL_TYPE_COUNT,
};

enum alert_severity { SEV_NOTICE, SEV_WARNING, SEV_CRITICAL };

/* The source of an alert raised from the state file rather than a rate. */
#define ALERT_SOURCE_STATE (-1)
/* The source of an alert about a task (the workload engine's intruders). */
#define ALERT_SOURCE_TASK (-2)

const char *alert_type_name(enum alert_type t);		/* "tlb_shootdown", ... */
const char *alert_severity_name(enum alert_severity s); /* "notice", "warning", "critical" */
const char *alert_source_name(int source);		/* "TLB"..., or "state" */

struct alert {
	bool active;
	enum alert_type type;
	int source; /* enum tl_source, or ALERT_SOURCE_STATE */
	enum alert_severity severity;
	struct cpuset cpus;
	double rate, threshold; /* the highest rate among the CPUs above, this sample */
	time_t since;		/* wall clock, when raised */
	uint64_t since_sample;	/* the monitor's sample count when raised (0: at start) */
	int quiet;		/* consecutive samples under the threshold */
	char remedy[320];
};

#define ALERT_HISTORY 32

struct alert_hist {
	bool raised;
	enum alert_type type;
	int source;
	struct cpuset cpus;
	time_t time;
	uint64_t sample; /* the monitor's sample count at the event */
};

/* Slots: one per channel rule, one regression per source, two deferral_regressed, intruder. */
#define ALERT_SLOTS (CH_COUNT + SRC_COUNT + 3)

struct alert_engine {
	struct alert slot[ALERT_SLOTS];
	struct alert_hist hist[ALERT_HISTORY]; /* a ring, oldest first from hist_next */
	int hist_n, hist_next;
	unsigned long raised_total;
};

struct alert_event {
	bool raised; /* false: cleared */
	const struct alert *a;
};

/* What one evaluation looks at. */
struct alert_inputs {
	const struct monitor *m;
	const struct conf_monitor *conf;
	bool deferral_expected; /* deferral_assess() says kernel flushes should not arrive */
	time_t now;
};

void alert_engine_init(struct alert_engine *ae);

/*
 * One step of one alert. over: some CPU is above the threshold this sample
 * (cpus are those, rate the highest). Returns 1 when raised, -1 when cleared.
 */
int alert_step(struct alert *a, bool over, const struct cpuset *cpus, double rate, double threshold,
	       int clear_after, time_t now);

/* Evaluate every rate rule after a sample; returns the number of events written to ev. */
int alerts_evaluate(struct alert_engine *ae, const struct alert_inputs *in, struct alert_event *ev,
		    int maxev);

/*
 * Raise the deferral_regressed alert that comes from the state file: the
 * previous boot had deferral (mechanism was), this one lost it, on all the
 * isolated CPUs at once. It stays active for the life of the daemon.
 */
const struct alert *alerts_raise_lost_deferral(struct alert_engine *ae, const char *was,
					       const char *missing, const struct cpuset *isolated,
					       time_t now);

/*
 * Step the intruder alert after a workload tick. found: some task intrudes
 * (cpus are their CPUs, what names them: "pid 123 (spin) on CPU 1"). It is
 * cleared after clear_after ticks without one. Returns 1 raised, -1 cleared,
 * 0 otherwise; *a is the alert.
 */
int alerts_step_intruder(struct alert_engine *ae, bool found, const struct cpuset *cpus,
			 const char *what, int clear_after, time_t now, uint64_t sample,
			 const struct alert **a);

/* Active alerts with a severity at or above sev. */
int alerts_active(const struct alert_engine *ae, enum alert_severity sev);

#endif
