/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Synthetic /proc/interrupts text in the exact x86 kernel format
 * (kernel/irq/proc.c show_interrupts() and arch/x86/kernel/irq.c
 * arch_show_interrupts(), the "%10u " layout), for the parser's tests and
 * for "make bench": many CPUs, a few hundred rows, MSI-X rows with long
 * descriptions.
 */
#ifndef TLBISO_GEN_INTERRUPTS_H
#define TLBISO_GEN_INTERRUPTS_H

#include "buf.h"

struct gen_irq_opts {
	int ncpus;	 /* CPUs 0..ncpus-1 */
	int offline_cpu; /* a CPU left out of the columns, or -1 */
	int nirqs;	 /* numbered rows before the named x86 rows */
	unsigned seed;	 /* counter values; the text's length does not depend on it */
};

/* Write the text into out (reused). Returns 0 or -ENOMEM. */
int gen_interrupts(struct tl_buf *out, const struct gen_irq_opts *o);

#endif
