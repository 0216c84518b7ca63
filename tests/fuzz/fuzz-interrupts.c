// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the /proc/interrupts parser. Beyond "no crash" (its word-at-a-time
 * reads must stay inside the buffer), check two properties: a failed parse
 * leaves the table empty, and the kernel-layout fast path agrees with the
 * general path: the same text with runs of blanks squeezed to one (which
 * the fast path never accepts) must parse to the same rows and counts.
 * The daemon's row-at-a-time path (the monitor, reading in small chunks)
 * must accept whatever the whole parser accepts, and survive the rest.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "interrupts.h"
#include "monitor.h"

/* Collapse runs of spaces, so that no field keeps the kernel's fixed width. */
static size_t squeeze(const uint8_t *in, size_t n, char *out)
{
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		if (!(in[i] == ' ' && m > 0 && out[m - 1] == ' '))
			out[m++] = (char)in[i];
	out[m] = '\0';
	return m;
}

/* Same rows, same kinds, same numbers. */
static void compare(const struct irq_table *a, const struct irq_table *b)
{
	if (a->nrows != b->nrows || a->ncols != b->ncols)
		abort();
	for (int i = 0; i < a->nrows; i++) {
		const struct irq_row *x = &a->rows[i], *y = &b->rows[i];

		if (strcmp(x->name, y->name) || x->global != y->global ||
		    x->occurrence != y->occurrence)
			abort();
		if (x->global ? x->global_value != y->global_value
			      : memcmp(x->counts, y->counts, sizeof(uint32_t) * (size_t)a->ncols))
			abort();
	}
}

/* Two samples of the same text through the monitor (watching CPUs 0-15, odd read sizes). */
static int monitor_twice(const uint8_t *data, size_t size)
{
	struct cpuset watch;
	struct monitor m;
	struct tl_err e = {0};
	int r = -1;

	cpuset_zero(&watch);
	for (int c = 0; c < 16; c++)
		cpuset_set(&watch, c);
	if (monitor_init(&m, &watch, &watch, 2, 1, &e) < 0)
		return 0;
	m.chunk = 5 + size % 13;
	if (monitor_feed(&m, (const char *)data, size, 1000000000ull, &e) == 0)
		r = monitor_feed(&m, (const char *)data, size, 2000000000ull, &e);
	if (r < 0 && !e.msg[0])
		abort();
	monitor_free(&m);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct irq_table a, b;
	char *sq = malloc(size + 1);
	size_t n;

	if (!sq)
		return 0;
	irq_table_init(&a);
	irq_table_init(&b);
	if (irq_table_parse(&a, (const char *)data, size, NULL) < 0) {
		if (a.nrows || a.ncols)
			abort();
		monitor_twice(data, size);
	} else {
		n = squeeze(data, size, sq);
		if (irq_table_parse(&b, sq, n, NULL) < 0)
			abort();
		compare(&a, &b);
		if (monitor_twice(data, size) < 0)
			abort();
	}
	irq_table_free(&a);
	irq_table_free(&b);
	free(sq);
	return 0;
}
