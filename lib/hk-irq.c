// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IRQ affinity: every movable IRQ whose affinity reaches an isolated CPU is
 * narrowed to housekeeping CPUs, and default_smp_affinity is set so new IRQs
 * start there. Managed and per-CPU IRQs are refused (EIO in kernel/irq/proc.c;
 * EPERM seen from a virtio-blk queue vector on 6.18): reported, not errors.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "housekeeping.h"
#include "interrupts.h"
#include "irqinfo.h"

#define KNOB "irq_affinity"

/* Whether the kernel already refused this IRQ: no point asking (and reporting) every interval. */
static bool irq_is_fixed(const struct hk_irq_fixed *f, int irq)
{
	for (int i = 0; i < f->n; i++)
		if (f->irqs[i] == irq)
			return true;
	return false;
}

/* Remember an IRQ the kernel refused (EIO). */
static void irq_mark_fixed(struct hk_irq_fixed *f, int irq)
{
	if (f->n == f->cap) {
		int cap = f->cap ? f->cap * 2 : 16;
		int *n = realloc(f->irqs, (size_t)cap * sizeof(*n));

		if (!n)
			return;
		f->irqs = n;
		f->cap = cap;
	}
	f->irqs[f->n++] = irq;
}

/* Where an IRQ should go: its own housekeeping CPUs if it has some (keep a user's pinning), else
 * all. */
static void irq_target(const struct hk_state *s, const struct irq_affinity *a, struct cpuset *to)
{
	cpuset_and(to, &a->requested, &s->housekeeping);
	if (cpuset_empty(to))
		*to = s->housekeeping;
}

/* "irq 24 (nvme0q1)" for notes and logs. */
static void irq_label(const struct irq_affinity *a, char *out, size_t outsz)
{
	if (a->name[0])
		snprintf(out, outsz, "irq %d (%s)", a->irq, a->name);
	else
		snprintf(out, outsz, "irq %d", a->irq);
}

/* Move one IRQ; the outcome becomes a note. Returns 1 when moved. */
static int irq_move(struct hk_state *s, const struct irq_affinity *a, bool drift,
		    struct hk_report *r)
{
	char path[64], val[1024], label[128];
	struct tl_err e = {0};
	struct cpuset to;
	int ret;

	irq_target(s, a, &to);
	if (cpulist_format(&to, val, sizeof(val)) < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity_list", a->irq);
	irq_label(a, label, sizeof(label));
	ret = hk_set(s, RJ_FMT_CPULIST, path, val, &e);
	if (ret < 0 && ret != -ENOENT && !s->journal_failed)
		irq_mark_fixed(&s->unmovable, a->irq); /* report once, not every interval */
	if ((ret == -EIO || ret == -EPERM) && !s->journal_failed)
		hk_report_add(r, HK_NOTE_UNMOVABLE, KNOB, label,
			      ret == -EIO
				      ? "managed or per-CPU: the kernel refuses to move it (EIO)"
				      : "the kernel refuses to move it (EPERM): managed, or we "
					"lack CAP_SYS_ADMIN");
	else if (ret < 0 && ret != -ENOENT && !s->journal_failed)
		hk_report_add(r, HK_NOTE_ERROR, KNOB, label, "%s", e.msg);
	else if (ret > 0)
		hk_report_add(r, drift ? HK_NOTE_DRIFT : HK_NOTE_APPLIED, KNOB, label,
			      drift ? "new or moved back onto isolated CPUs: moved to %s"
				    : "moved to %s",
			      val);
	return ret > 0;
}

/* Whether an IRQ reaches an isolated CPU and may still be movable. */
static bool irq_needs_move(const struct hk_state *s, const struct irq_affinity *a)
{
	return cpuset_intersects(&a->requested, &s->isolated) &&
	       !irq_is_fixed(&s->unmovable, a->irq);
}

/* Whether any IRQ of the list needs a move (the common tick finds none). */
static bool irq_any_needs_move(const struct hk_state *s, const struct irq_affinity_list *l)
{
	for (int i = 0; i < l->n; i++)
		if (irq_needs_move(s, &l->items[i]))
			return true;
	return false;
}

/*
 * Read /proc/irq; names from /proc/interrupts only when something is to be
 * moved: a quiet tick (the usual one) skips parsing /proc/interrupts.
 */
static int irq_read(struct hk_state *s, struct irq_affinity_list *l, struct irq_table *t,
		    struct tl_err *e)
{
	int r = irqinfo_read(l, s->p, NULL, e);

	if (r < 0 || !irq_any_needs_move(s, l) || irq_table_read(t, s->p, NULL) < 0)
		return r;
	return irqinfo_read(l, s->p, t, e);
}

/* One pass over /proc/irq, moving what reaches an isolated CPU. */
static int irq_sweep(struct hk_state *s, bool drift, struct hk_report *r)
{
	struct irq_affinity_list l = {0};
	struct irq_table t;
	struct tl_err e = {0};
	int moved = 0;

	irq_table_init(&t);
	if (irq_read(s, &l, &t, &e) < 0) {
		hk_report_add(r, HK_NOTE_ERROR, KNOB, "/proc/irq", "%s", e.msg);
		irqinfo_free(&l);
		irq_table_free(&t);
		return -e.code;
	}
	for (int i = 0; i < l.n && !s->journal_failed; i++)
		if (irq_needs_move(s, &l.items[i]))
			moved += irq_move(s, &l.items[i], drift, r);
	irqinfo_free(&l);
	irq_table_free(&t);
	return moved;
}

/* New IRQs start on housekeeping CPUs: default_smp_affinity (hex only). */
static void irq_default(struct hk_state *s, struct hk_report *r)
{
	char val[TL_MAX_CPUS / 4 + TL_MAX_CPUS / 32 + 8];
	struct tl_err e = {0};
	int ret;

	if (cpumask_format(&s->housekeeping, s->nr_cpus, val, sizeof(val)) < 0)
		return;
	ret = hk_set(s, RJ_FMT_CPUMASK, "/proc/irq/default_smp_affinity", val, &e);
	if (ret < 0 && !s->journal_failed)
		hk_report_add(r, HK_NOTE_ERROR, KNOB, "/proc/irq/default_smp_affinity", "%s",
			      e.msg);
	else if (ret > 0)
		hk_report_add(r, HK_NOTE_APPLIED, KNOB, "/proc/irq/default_smp_affinity",
			      "set to %s", val);
}

int hk_irq_apply(struct hk_state *s, struct hk_report *r)
{
	int moved;

	irq_default(s, r);
	if (s->journal_failed)
		return -EIO;
	moved = irq_sweep(s, false, r);
	if (moved >= 0)
		hk_report_add(r, HK_NOTE_INFO, KNOB, "/proc/irq",
			      "%d IRQ(s) moved to housekeeping CPUs, %d left where they are", moved,
			      s->unmovable.n);
	return moved < 0 ? moved : 0;
}

int hk_irq_reapply(struct hk_state *s, struct hk_report *r)
{
	return irq_sweep(s, true, r);
}
