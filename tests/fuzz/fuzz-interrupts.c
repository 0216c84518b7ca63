// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the /proc/interrupts parser. Beyond "no crash" (its word-at-a-time
 * reads must stay inside the buffer), check two properties: a failed parse
 * leaves the table empty, and the kernel-layout fast path agrees with the
 * general path: the same text with runs of blanks squeezed to one (which
 * the fast path never accepts) must parse to the same rows and counts.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "interrupts.h"

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
	} else {
		n = squeeze(data, size, sq);
		if (irq_table_parse(&b, sq, n, NULL) < 0)
			abort();
		compare(&a, &b);
	}
	irq_table_free(&a);
	irq_table_free(&b);
	free(sq);
	return 0;
}
