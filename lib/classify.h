/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What reached an isolated CPU in one sample, by cause. Pure functions over
 * one sample's per-CPU deltas, so that every rule is unit-tested on synthetic
 * numbers.
 *
 * x86 counts every user-mm shootdown twice: once in TLB and once in CAL (the
 * IPI is a function call), so CAL is taken net of TLB first. The broadcast
 * signature of flush_tlb_kernel_range (vmalloc) is net CAL on every online
 * isolated CPU in the same sample; the part common to all of them is a kernel
 * flush, the rest is another IPI. With a single isolated CPU a broadcast
 * cannot be told from a targeted call: its CAL is counted as ipi_other.
 */
#ifndef TLBISO_CLASSIFY_H
#define TLBISO_CLASSIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"

/* Channels events are assigned to; each alert rule watches one. */
enum cls_channel {
	CH_TLB_SHOOTDOWN, /* TLB: user-mm flush */
	CH_KERNEL_FLUSH,  /* CAL on every isolated CPU at once: kernel-range flush */
	CH_IPI_CAL,	  /* other function calls */
	CH_IPI_RES,	  /* rescheduling */
	CH_IPI_IWI,	  /* irq_work */
	CH_TICK,	  /* LOC on a nohz_full CPU */
	CH_DEVICE_IRQ,	  /* numbered IRQs */
	CH_COUNT,
};

const char *cls_channel_name(enum cls_channel c); /* "tlb_shootdown", ... */

/* One isolated CPU in one sample. */
struct cls_in {
	bool valid;	/* online, and this sample has a delta (not a new baseline) */
	bool nohz_full; /* the tick is expected to stop */
	uint32_t delta[SRC_COUNT];
};

/*
 * Classify n CPUs' deltas into out[i][CH_*]. A CPU that is not valid gets
 * zeros and does not count for (or against) the broadcast rule.
 */
void classify_sample(const struct cls_in *in, int n, uint32_t (*out)[CH_COUNT]);

/* The CAL part common to every valid CPU, or 0 when fewer than two are valid. */
uint32_t classify_broadcast(const struct cls_in *in, int n);

#endif
