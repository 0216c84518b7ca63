/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/interrupts: parsed into a table that is reused between samples.
 *
 * Columns are online CPUs only, so column k is not CPU k: the CPU ids come
 * from the header. Rows are numbered IRQs ("24:"), named arch rows ("TLB:",
 * "IPI0:", powerpc's "LOC:" that may appear twice) and rows with a single
 * global value ("ERR:", "MIS:", arm's "Err:"). Counters are unsigned 32-bit
 * in the kernel and wrap; use irq_delta() for differences.
 *
 * Steady state: parsing a file of the same shape as the previous sample
 * allocates nothing (the table and its buffers only grow).
 *
 * Row rules (decided here, see interrupts.c):
 *  - a row with ncols counts is a per-CPU row;
 *  - a row with exactly one count and nothing after it, when ncols > 1, is a
 *    global row (the kernel prints ERR, MIS and arm's Err as "%*s: %10u\n");
 *    on a one-CPU machine such a row is global only when named ERR, MIS or
 *    Err, and its counts[0] holds the same value;
 *  - any other count (0, or 2..ncols-1, or 1 followed by text) is an error
 *    naming the line;
 *  - a counter above 2^32-1, or digits glued to other characters, is an error;
 *  - blank lines are skipped; "\r" counts as blank space (CRLF copies parse);
 *  - the last line must end with a newline (the kernel always writes whole
 *    lines; a file without one was cut short).
 * On error the table is left empty (ncols = nrows = 0).
 */
#ifndef TLBISO_INTERRUPTS_H
#define TLBISO_INTERRUPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "cpuset.h"
#include "err.h"
#include "path.h"

#define IRQ_NAME_MAX 16
/* Bytes after the text that the parser may read (word-at-a-time); keep them zero. */
#define IRQ_READ_PAD 16

struct irq_row {
	char name[IRQ_NAME_MAX]; /* as in the file, without the colon: "24", "TLB", "IPI0", "ERR" */
	bool numbered;		 /* name is a decimal IRQ number */
	int irq;		 /* the number when numbered, else -1 */
	int occurrence;		 /* 0 for the first row of this name, 1 for a repeat (ppc LOC) */
	bool global;		 /* one value for the whole system (ERR, MIS, Err) */
	uint32_t global_value;	 /* when global */
	uint32_t *counts; /* ncols values, indexed by column, when !global; points into the table */
	const char *desc; /* description text after the counts, trimmed; points into raw */
	size_t desc_len;  /* desc is not NUL-terminated: print with "%.*s" */
};

/* Name index of a table: open addressing over the rows, rebuilt each parse. */
struct irq_name_slot {
	int first; /* first row with this name, -1 when the slot is free */
	int last;  /* last row with this name (to number repeats) */
};

struct irq_table {
	int ncols;	    /* online CPUs in the header */
	int *col_cpu;	    /* ncols CPU ids, column -> CPU */
	struct cpuset cpus; /* the same ids as a set */
	int nrows;
	struct irq_row *rows;
	/* storage, reused between parses */
	struct tl_buf raw; /* the file text; desc pointers point into it */
	uint32_t *counts;  /* nrows * ncols */
	size_t rows_cap, counts_cap, cols_cap;
	struct irq_name_slot *names; /* names_cap slots, a power of two */
	size_t names_cap;
	size_t allocs; /* allocations made so far (tests assert 0 growth in steady state) */
};

void irq_table_init(struct irq_table *t);
void irq_table_free(struct irq_table *t);

/*
 * Parse text (NUL-terminated, len bytes) into t. The text is copied into
 * t->raw unless it already is t->raw.data. Malformed rows are an error with
 * the line number: "line 7: expected 4 counts, found 2".
 */
int irq_table_parse(struct irq_table *t, const char *text, size_t len, struct tl_err *e);

/*
 * Row at a time, keeping only some columns: for a caller that must not hold
 * the whole table (the daemon on a 1024-CPU machine keeps the counters of
 * the CPUs it watches). The same parser and rules as irq_table_parse, with
 * one difference: when a row is in the kernel's fixed layout (" %10u" per
 * column), an unselected column is only checked for that shape, not
 * converted.
 */
struct irq_select {
	const int *cols;   /* selected columns, ascending (0..ncols-1) */
	int n;		   /* how many */
	uint32_t *out;	   /* n values: out[j] is the counter of column cols[j] */
	uint32_t *scratch; /* ncols values, for rows off the fixed layout */
};

/* Parse the header line [p, eol) into t's columns (ncols, col_cpu, cpus); t has no rows after. */
int irq_table_parse_header(struct irq_table *t, const char *p, const char *eol, struct tl_err *e);

/*
 * Parse the row line [p, eol) (line is its number, for messages) of a file
 * whose header is in t, into r and s->out. r->counts is NULL and
 * r->occurrence 0: numbering repeats is the caller's. The text must stay
 * readable IRQ_READ_PAD bytes past eol (the next line, or zero padding).
 * Returns 1 for a row, 0 for a blank line, or a negative errno (message set).
 */
int irq_row_parse_select(const struct irq_table *t, const char *p, const char *eol, int line,
			 const struct irq_select *s, struct irq_row *r, struct tl_err *e);

/*
 * The same in two steps, for a caller that skips rows it has already seen
 * unchanged. First the name (returns 1, or 0 for a blank line, or a negative
 * errno); *rest is where the counters start.
 */
int irq_row_parse_name(const char *p, const char *eol, int line, struct irq_row *r,
		       const char **rest, struct tl_err *e);

/*
 * A 64-bit fingerprint of the text of the selected columns (from the first
 * to the last), when the row is in the kernel's fixed layout; 0 when it is
 * not, or nothing is selected (such a row must be parsed). Equal text gives
 * an equal fingerprint; a caller that keeps its previous values when the
 * fingerprint repeats only risks, on a collision, seeing a change one
 * sample late. Only the row's length is checked here, not its fields: such
 * a caller accepts the row as it accepted the text the last time.
 */
uint64_t irq_row_select_print(const struct irq_table *t, const char *rest, const char *eol,
			      const struct irq_select *s);

/* Then the counters (the selected ones into s->out) and the description: 0 or a negative errno. */
int irq_row_parse_values(const struct irq_table *t, const char *rest, const char *eol, int line,
			 const struct irq_select *s, struct irq_row *r, struct tl_err *e);

/* Read /proc/interrupts under the path context and parse it. */
int irq_table_read(struct irq_table *t, const struct tl_path *p, struct tl_err *e);

/* First row with this name ("TLB", "24"), or NULL. */
const struct irq_row *irq_table_find(const struct irq_table *t, const char *name);

/* The row with this name and occurrence (0 first, 1 the repeat), or NULL. */
const struct irq_row *irq_table_find_nth(const struct irq_table *t, const char *name,
					 int occurrence);

/* Column of a CPU id, or -1 when the CPU is not in the table (offline). */
int irq_table_col(const struct irq_table *t, int cpu);

/* Count of a row for a CPU id; false when the CPU has no column or the row is global. */
bool irq_row_count(const struct irq_table *t, const struct irq_row *r, int cpu, uint32_t *out);

/* Difference of two 32-bit kernel counters, correct across one wrap. */
static inline uint32_t irq_delta(uint32_t prev, uint32_t cur)
{
	return cur - prev;
}

#endif
