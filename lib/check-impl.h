/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal to the check modules: the context every check reads, the
 * registry entry, and the helpers that fill a result. Not for other callers;
 * they use check.h.
 */
#ifndef TLBISO_CHECK_IMPL_H
#define TLBISO_CHECK_IMPL_H

#include <stdarg.h>

#include "check.h"
#include "deferral.h"
#include "interrupts.h"
#include "irqinfo.h"
#include "procs.h"

struct check_ctx {
	const struct tl_facts *f;
	const struct tl_path *p;
	const struct check_options *o;
	const struct cpuset *isolated, *housekeeping;
	enum isol_origin origin;
	bool have_isolated;
	char isol_list[256], hk_list[256];
	struct deferral_verdict deferral;
	/* /proc/interrupts and /proc/irq, read once on first use */
	bool irqs_tried;
	int irqs_rc;
	char irqs_err[TL_ERR_MSG_MAX];
	struct irq_table irqs;
	struct irq_affinity_list aff;
	/* one walk of /proc for the kthread and irqbalance checks */
	bool tasks_tried;
	int tasks_rc;
	char tasks_err[TL_ERR_MSG_MAX];
	int nkthreads, kthreads_cap;
	struct kthread_id {
		int pid;
		char comm[PROC_COMM_MAX + 1];
	} * kthreads;	    /* movable kthreads allowed on isolated CPUs */
	int irqbalance_pid; /* 0 when not running */
	/* the live sample, taken once by the first interrupts.* check */
	bool sample_tried;
	int sample_rc;
	char sample_err[TL_ERR_MSG_MAX];
	struct irq_table before, after;
	double seconds;
};

typedef void (*check_fn)(struct check_ctx *c, struct check_result *r);

struct check_def {
	const char *id;
	check_fn fn;
	bool live;
};

/* Registries, one per concern file. */
extern const struct check_def check_defs_cmdline[];
extern const struct check_def check_defs_kernel[];
extern const struct check_def check_defs_runtime[];
extern const struct check_def check_defs_live[];

/* Checks that live in their own file but run in another file's group. */
void check_irqbalance(struct check_ctx *c, struct check_result *r);

/* Set status and the one-line summary. */
void check_set(struct check_result *r, enum check_status s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Set the remedy (the exact parameter, command or config line). */
void check_remedy(struct check_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void ev_str(struct check_result *r, const char *key, const char *val);
void ev_int(struct check_result *r, const char *key, int64_t val);
void ev_bool(struct check_result *r, const char *key, bool val);
void ev_double(struct check_result *r, const char *key, double val);
void ev_cpus(struct check_result *r, const char *key, const struct cpuset *s);
void ev_obj(struct check_result *r, const char *key, json_object *val);

/* Format a set as a cpulist into a static-size buffer owned by the caller. */
const char *cpus_str(const struct cpuset *s, char *buf, size_t sz);

/* When there is no isolated set: fail with how to choose one; returns true then. */
bool check_need_isolated(struct check_ctx *c, struct check_result *r);

/* Read /proc/interrupts and /proc/irq once; 0 or -errno with c->irqs_err set. */
int check_load_irqs(struct check_ctx *c);

/* Walk the tasks once: movable kthreads on isolated CPUs, irqbalance's pid. */
int check_load_tasks(struct check_ctx *c);

/* The kernel's nohz_full set: sysfs when present, else the command line; NULL if none. */
const struct cpuset *check_nohz_full(const struct check_ctx *c);

#endif
