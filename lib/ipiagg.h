/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Aggregation of attributed IPIs: one entry per (target CPU, sender thread,
 * callsite, callback), with a total and per-second counts for the last
 * IPIAGG_SLOTS seconds so the daemon can ask "who, in this window".
 *
 * Adding an IPI allocates only when a new key is first seen (then the sender
 * is named once, from /proc, and the addresses through kallsyms). The number
 * of entries is capped; IPIs that would need an entry beyond the cap are
 * counted in dropped, never block and never grow memory without bound.
 */
#ifndef TLBISO_IPIAGG_H
#define TLBISO_IPIAGG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipiclass.h"
#include "kallsyms.h"
#include "path.h"
#include "taskid.h"

#define IPIAGG_SLOTS   64
#define IPIAGG_SYM_MAX 96

/* One IPI as a tracepoint saw it, before naming. */
struct ipi_tuple {
	uint64_t ts_ns; /* CLOCK_MONOTONIC (the instance's "mono" trace clock) */
	int target_cpu;
	pid_t tid;		     /* sender thread; -1 when the kernel path cannot say */
	uint64_t callsite, callback; /* kernel addresses, 0 when unknown */
	int class_hint;		     /* an enum ipi_class the tracepoint itself implies, or -1 */
};

struct ipiagg_entry {
	int target_cpu;
	struct taskid who; /* who.tid is the key; who.pid the process */
	uint64_t callsite, callback;
	char callsite_s[IPIAGG_SYM_MAX], callback_s[IPIAGG_SYM_MAX];
	enum ipi_class cls;
	uint64_t count;
	uint32_t slot_sec[IPIAGG_SLOTS]; /* the monotonic second each slot counts */
	uint32_t slot_n[IPIAGG_SLOTS];
};

/* A sender as the daemon's alerts and `top` show it. */
struct ipi_sender {
	pid_t pid, tid;
	int target_cpu; /* -1 when summed over several targets */
	char comm[TASKID_COMM_MAX + 1];
	char unit[TASKID_UNIT_MAX];
	char callsite[IPIAGG_SYM_MAX], callback[IPIAGG_SYM_MAX];
	enum ipi_class cls;
	uint64_t count; /* in the window asked for */
};

struct ipiagg {
	struct ipiagg_entry *e;
	size_t n, cap, max;
	uint32_t *slots; /* open addressing: index + 1 into e, 0 empty */
	size_t nslots;
	const struct kallsyms *ks;
	const struct tl_path *p;
	uint64_t total, dropped;
};

/* max_entries 0 means 4096. ks and p are borrowed and must outlive the table. */
int ipiagg_init(struct ipiagg *a, const struct kallsyms *ks, const struct tl_path *p,
		size_t max_entries);
void ipiagg_free(struct ipiagg *a);
void ipiagg_reset(struct ipiagg *a);

/* Count one IPI. -ENOSPC (counted in dropped) when the table is full, -ENOMEM likewise. */
int ipiagg_add(struct ipiagg *a, const struct ipi_tuple *t);

/* Entries sorted by total count, largest first, into out (n pointers); returns how many. */
size_t ipiagg_sorted(const struct ipiagg *a, const struct ipiagg_entry **out, size_t n);

/*
 * The senders with most IPIs in the window_s seconds up to now_ns, whose
 * class is in class_mask (IPI_CLASS_BIT()s) and whose target is cpu (-1: any,
 * summed per sender/callsite/callback). Largest first; returns how many.
 */
size_t ipiagg_top(const struct ipiagg *a, uint64_t now_ns, unsigned window_s, unsigned class_mask,
		  int cpu, struct ipi_sender *out, size_t n);

#endif
