/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Proof of effect: run oslat on the isolated CPUs and attribute what it
 * saw. For each CPU: oslat's min/avg/max, the verdict against max_us, and
 * the interrupts that landed on that CPU during the run (the /proc/interrupts
 * delta per row), so a failure comes with its likely cause. CPUs a workload
 * occupies are skipped unless forced: oslat would disturb the workload and
 * the workload would spoil the figure. Shared by `check --latency` and the
 * `latency` verb.
 */
#ifndef TLBISO_LATENCY_H
#define TLBISO_LATENCY_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cpuset.h"
#include "err.h"
#include "interrupts.h"
#include "path.h"
#include "procs.h"

#define LAT_SCHEMA	    "tlbiso.latency/1"
#define LAT_DEFAULT_SECONDS 10
#define LAT_DEFAULT_MAX_US  20.0
#define LAT_TASKS_MAX	    4 /* occupying tasks named per skipped CPU */

enum lat_verdict { LAT_PASS, LAT_FAIL, LAT_SKIP };

const char *lat_verdict_name(enum lat_verdict v); /* "pass", "fail", "skip" */

/* One /proc/interrupts row's count on one CPU over the run. */
struct lat_irq {
	char name[IRQ_NAME_MAX]; /* "LOC", "CAL", "24" */
	uint64_t count;
};

/* A task that makes a CPU occupied. */
struct lat_task {
	pid_t pid, tid;
	char comm[PROC_COMM_MAX + 1];
};

struct lat_cpu {
	int cpu;
	enum lat_verdict verdict;
	double min_us, avg_us, max_us; /* when measured */
	int nirqs;
	struct lat_irq *irqs; /* non-zero rows, largest count first */
	int ntasks;	      /* when skipped as occupied (may exceed LAT_TASKS_MAX) */
	struct lat_task tasks[LAT_TASKS_MAX];
};

struct lat_options {
	const struct cpuset *cpus; /* to measure (the isolated set) */
	int main_cpu;		   /* housekeeping CPU for oslat's main thread */
	int seconds;
	double max_us;
	bool force;	   /* measure occupied CPUs too */
	const char *oslat; /* the binary (oslat_find) */
};

struct lat_report {
	int seconds, main_cpu;
	double max_us;
	char version[32];	/* oslat's version, "" if unknown */
	struct cpuset measured; /* CPUs oslat ran on */
	struct cpuset skipped;	/* occupied CPUs left alone */
	int n;
	struct lat_cpu *cpus; /* measured and skipped, by CPU id */
	int counts[3];	      /* per verdict */
};

/*
 * Which CPUs of set a workload occupies: a user task whose allowed CPUs are
 * a subset of set and that last ran on one of them. Our own process does not
 * count. Fills r->skipped and one skip entry per such CPU.
 */
int latency_occupied(const struct tl_path *p, const struct cpuset *set, struct lat_report *r,
		     struct tl_err *e);

/*
 * Measure: find occupied CPUs (unless o->force), read /proc/interrupts, run
 * oslat on the rest, read /proc/interrupts again and judge. 0 on success
 * (also when every CPU was skipped), else -errno with the cause in e.
 */
int latency_measure(const struct tl_path *p, const struct lat_options *o, struct lat_report *r,
		    struct tl_err *e);

void latency_report_free(struct lat_report *r);

/* The non-zero per-row deltas on cpu between two tables, largest first (*out malloc'd). */
int latency_irq_deltas(const struct irq_table *before, const struct irq_table *after, int cpu,
		       struct lat_irq **out, int *n, struct tl_err *e);

/* "max 41.0 us > 20 us (avg 1.2, min 0.9); during the run: LOC 2510, CAL 3" */
void latency_cpu_summary(const struct lat_cpu *c, double max_us, char *buf, size_t sz);

/* {"cpu","status","min_us","avg_us","max_us","interrupts":[{"name","count"}],"occupied_by"} */
json_object *latency_cpu_json(const struct lat_cpu *c);

/*
 * The whole report, schema "tlbiso.latency/1": oslat, oslat_version, seconds,
 * threshold_us, main_cpu, measured_cpus, skipped_cpus, cpus[] (as
 * latency_cpu_json), summary {pass, fail, skip}. Caller puts it.
 */
json_object *latency_report_json(const struct lat_report *r, const char *oslat);

#endif
