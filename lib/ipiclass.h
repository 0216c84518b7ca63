/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What kind of IPI reached an isolated CPU, judged from the resolved names of
 * the tracepoint's callback and callsite, and what to do about each kind.
 */
#ifndef TLBISO_IPICLASS_H
#define TLBISO_IPICLASS_H

enum ipi_class {
	IPI_CLASS_KERNEL_TLB_FLUSH,  /* do_kernel_range_flush, do_flush_tlb_all */
	IPI_CLASS_USER_MM_SHOOTDOWN, /* flush_tlb_func */
	IPI_CLASS_TEXT_PATCHING,     /* do_sync_core, text_poke */
	IPI_CLASS_IRQ_WORK,	     /* irq_work_queue_on, nohz_full_kick_func */
	IPI_CLASS_RESCHEDULE,	     /* smp_send_reschedule (no callback), sched_ttwu_pending */
	IPI_CLASS_MEMBARRIER,	     /* ipi_mb, ipi_sync_rq_state, ipi_rseq, ipi_sync_core */
	IPI_CLASS_OTHER,
	IPI_CLASS_COUNT
};

#define IPI_CLASS_BIT(c) (1u << (c))
#define IPI_CLASS_ALL	 ((1u << IPI_CLASS_COUNT) - 1)

/* "kernel_tlb_flush", "user_mm_shootdown", ... (stable: used in JSON and config). */
const char *ipiclass_name(enum ipi_class c);

/* One sentence on what to do about this class. */
const char *ipiclass_remedy(enum ipi_class c);

/* The class of a name as given by ipiclass_name(), or -1. */
int ipiclass_parse(const char *name);

/*
 * Classify from "sym+0xoff" strings (either may be "" or "0x..." when
 * unresolved). The callback decides when it is known; the callsite is the
 * fallback (text_poke, irq_work_queue_on). An empty callback means a
 * reschedule IPI (smp_send_reschedule traces no function).
 */
enum ipi_class ipiclass_classify(const char *callback, const char *callsite);

#endif
