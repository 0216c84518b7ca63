/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kprobes that name kernel-range TLB flushes on kernels without ipi:*
 * events (the receiver path): one on the flush functions the target CPUs
 * run (do_kernel_range_flush, do_flush_tlb_all) and one on the functions a
 * sender calls (flush_tlb_kernel_range, flush_tlb_all), whose common_pid is
 * the sender. Kprobes are global, so they live in a group named after the
 * owning process ("tlbiso_<pid>") and are removed at close, or at the next
 * start when that process died. Placing a kprobe patches kernel text: the
 * same one-time interruption of every CPU as enabling a tracepoint.
 */
#ifndef TLBISO_IPIPROBE_H
#define TLBISO_IPIPROBE_H

#include <stdbool.h>
#include <sys/types.h>

#include "tracefs-dl.h"

#define IPIPROBE_MAX 4

enum ipiprobe_kind { IPIPROBE_NONE, IPIPROBE_FLUSH_RUN, IPIPROBE_FLUSH_SEND };

struct ipiprobe {
	const struct tl_tracefs *api; /* the loaded libraries, owned by the caller */
	char system[32];
	int n;
	struct tracefs_dynevent *dev[IPIPROBE_MAX];
	struct tep_event *ev[IPIPROBE_MAX];
	enum ipiprobe_kind kind[IPIPROBE_MAX];
};

/*
 * Create and enable in inst the probes the kernel accepts (a function that
 * is missing or blacklisted is skipped); load their formats into tep.
 * Returns how many were placed.
 */
int ipiprobe_create(struct ipiprobe *pr, const struct tl_tracefs *api,
		    struct tracefs_instance *inst, struct tep_handle *tep, pid_t owner);

/* What an event of the record is: one of our probes, or none. */
enum ipiprobe_kind ipiprobe_kind_of(const struct ipiprobe *pr, const struct tep_event *ev);

/* Remove the probes (after the instance that enabled them is gone). */
void ipiprobe_destroy(struct ipiprobe *pr);

/* Remove probe groups "tlbiso_<pid>" whose process no longer exists. */
int ipiprobe_clean_stale(const struct tl_tracefs *api);

#endif
