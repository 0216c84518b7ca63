/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The affinity state of numbered IRQs, read from /proc/irq/<n>/ under the
 * path context: the requested mask (smp_affinity_list), the effective one
 * (effective_affinity_list, when the kernel has it), and the IRQ's name
 * taken from the actions column of /proc/interrupts.
 *
 * Whether an IRQ is managed cannot be read from procfs; the kernel says so
 * by refusing a write with EIO. irqinfo_try_move() reports that outcome.
 */
#ifndef TLBISO_IRQINFO_H
#define TLBISO_IRQINFO_H

#include <stdbool.h>

#include "cpuset.h"
#include "err.h"
#include "interrupts.h"
#include "path.h"

struct irq_affinity {
	int irq;
	char name[64];		   /* actions from /proc/interrupts ("nvme0q1", "virtio0-input.0"), or "" */
	char chip[48];		   /* description text up to the actions (chip, hwirq, edge/level) */
	struct cpuset requested;   /* smp_affinity_list */
	bool has_effective;
	struct cpuset effective;   /* effective_affinity_list, else requested */
};

struct irq_affinity_list {
	int n, cap;
	struct irq_affinity *items; /* sorted by irq */
};

/*
 * Enumerate /proc/irq/<n> directories. Names come from irqs (a parsed
 * /proc/interrupts, may be NULL). IRQs that vanish while reading are skipped:
 * IRQs come and go.
 */
int irqinfo_read(struct irq_affinity_list *l, const struct tl_path *p,
		 const struct irq_table *irqs, struct tl_err *e);
void irqinfo_free(struct irq_affinity_list *l);

/* Read /proc/irq/default_smp_affinity (a hex mask). */
int irqinfo_default_affinity(const struct tl_path *p, struct cpuset *out, struct tl_err *e);

#endif
