// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "gen-interrupts.h"

/* The named x86 rows with one value per CPU, in arch_show_interrupts() order. */
static const char *const gen_named[][2] = {
	{"NMI", "Non-maskable interrupts"},
	{"LOC", "Local timer interrupts"},
	{"SPU", "Spurious interrupts"},
	{"PMI", "Performance monitoring interrupts"},
	{"IWI", "IRQ work interrupts"},
	{"RTR", "APIC ICR read retries"},
	{"RES", "Rescheduling interrupts"},
	{"CAL", "Function call interrupts"},
	{"TLB", "TLB shootdowns"},
	{"TRM", "Thermal event interrupts"},
	{"THR", "Threshold APIC interrupts"},
	{"DFR", "Deferred Error APIC interrupts"},
	{"MCE", "Machine check exceptions"},
	{"MCP", "Machine check polls"},
};

static const char *const gen_named_tail[][2] = {
	{"PIN", "Posted-interrupt notification event"},
	{"NPI", "Nested posted-interrupt event"},
	{"PIW", "Posted-interrupt wakeup event"},
};

/* printf into the buffer, growing it. */
__attribute__((format(printf, 2, 3))) static int gen_put(struct tl_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -EINVAL;
		if ((size_t)n < b->cap - b->len)
			break;
		if (tl_buf_reserve(b, b->cap * 2 + (size_t)n) < 0)
			return -ENOMEM;
	}
	b->len += (size_t)n;
	return 0;
}

/* A cheap generator (xorshift) so that a seed gives a repeatable file. */
static uint32_t gen_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Mostly small counts, some in the millions, a few near 2^32 (ten digits). */
static uint32_t gen_count(uint32_t *s)
{
	uint32_t r = gen_rand(s);

	switch (r & 7) {
	case 0:
	case 1:
	case 2:
		return 0;
	case 3:
	case 4:
		return r % 1000;
	case 5:
	case 6:
		return r % 50000000;
	}
	return r;
}

/* One "%10u " per online CPU. */
static int gen_counts(struct tl_buf *b, const struct gen_irq_opts *o, uint32_t *s)
{
	for (int c = 0; c < o->ncpus; c++)
		if (c != o->offline_cpu && gen_put(b, "%10u ", gen_count(s)) < 0)
			return -ENOMEM;
	return 0;
}

/* Width of the IRQ-number column, computed as show_interrupts() does from nr_irqs. */
static int gen_prec(int nirqs)
{
	int prec = 3;

	for (int j = 1000; prec < 10 && j <= nirqs + 24; prec++)
		j *= 10;
	return prec;
}

/* Header: "%*s" of prec+8 blanks, then "CPU%-8d" per online CPU. */
static int gen_header(struct tl_buf *b, const struct gen_irq_opts *o, int prec)
{
	if (gen_put(b, "%*s", prec + 8, "") < 0)
		return -ENOMEM;
	for (int c = 0; c < o->ncpus; c++)
		if (c != o->offline_cpu && gen_put(b, "CPU%-8d", c) < 0)
			return -ENOMEM;
	return gen_put(b, "\n");
}

/* Numbered rows: a few IO-APIC lines, then MSI-X queues of a NIC and an NVMe drive. */
static int gen_irq_row(struct tl_buf *b, const struct gen_irq_opts *o, int i, int prec, uint32_t *s)
{
	int irq = i < 16 ? i : i + 8;

	if (gen_put(b, "%*d: ", prec, irq) < 0 || gen_counts(b, o, s) < 0)
		return -ENOMEM;
	if (i < 16)
		return gen_put(b, " %8s %*d-%-8s  %s\n", "IO-APIC", prec, i, "edge",
			       i == 0	? "timer"
			       : i == 4 ? "ttyS0"
					: "acpi");
	if (i % 3 == 0)
		return gen_put(b, " %8s %*d-%-8s  nvme0q%d\n", "PCI-MSIX-0000:c1:00.0", prec,
			       i - 16, "edge", i - 16);
	return gen_put(b, " %8s %*d-%-8s  mlx5_comp%d@pci:0000:3b:00.0\n", "PCI-MSIX-0000:3b:00.0",
		       prec, 524288 + i, "edge", i - 16);
}

/* Named rows: "%*s: " + counts + "  description"; ERR and MIS carry one value. */
static int gen_named_rows(struct tl_buf *b, const struct gen_irq_opts *o, int prec, uint32_t *s)
{
	size_t n = sizeof(gen_named) / sizeof(gen_named[0]);

	for (size_t i = 0; i < n; i++)
		if (gen_put(b, "%*s: ", prec, gen_named[i][0]) < 0 || gen_counts(b, o, s) < 0 ||
		    gen_put(b, "  %s\n", gen_named[i][1]) < 0)
			return -ENOMEM;
	if (gen_put(b, "%*s: %10u\n", prec, "ERR", gen_rand(s) % 10) < 0 ||
	    gen_put(b, "%*s: %10u\n", prec, "MIS", 0u) < 0)
		return -ENOMEM;
	n = sizeof(gen_named_tail) / sizeof(gen_named_tail[0]);
	for (size_t i = 0; i < n; i++)
		if (gen_put(b, "%*s: ", prec, gen_named_tail[i][0]) < 0 ||
		    gen_counts(b, o, s) < 0 || gen_put(b, "  %s\n", gen_named_tail[i][1]) < 0)
			return -ENOMEM;
	return 0;
}

int gen_interrupts(struct tl_buf *b, const struct gen_irq_opts *o)
{
	uint32_t s = o->seed ? o->seed : 1;
	int prec = gen_prec(o->nirqs);

	b->len = 0;
	if (tl_buf_reserve(b, 4096) < 0 || gen_header(b, o, prec) < 0)
		return -ENOMEM;
	for (int i = 0; i < o->nirqs; i++)
		if (gen_irq_row(b, o, i, prec, &s) < 0)
			return -ENOMEM;
	return gen_named_rows(b, o, prec, &s);
}
