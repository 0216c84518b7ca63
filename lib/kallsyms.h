/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/kallsyms, loaded once and sorted, so that the raw addresses carried
 * by the ipi tracepoints (callsite, callback) can be shown as "sym+0xoff".
 *
 * Only text symbols (t, T, w, W) are kept: callsites and callbacks are code.
 * Without root the kernel prints every address as zero (kptr_restrict); the
 * table then reports itself hidden and resolves nothing.
 */
#ifndef TLBISO_KALLSYMS_H
#define TLBISO_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "path.h"

struct ksym {
	uint64_t addr;
	uint32_t name; /* offset of the NUL-terminated name in kallsyms.names */
};

struct kallsyms {
	struct ksym *syms; /* sorted by addr */
	size_t n, cap;
	struct tl_buf names; /* "name\0name\0..." */
	bool hidden;	     /* the file had symbols, all at address 0 */
};

#define KALLSYMS_HIDDEN_HINT "addresses hidden (kptr_restrict), run as root"

void kallsyms_init(struct kallsyms *k);
void kallsyms_free(struct kallsyms *k);

/* Parse the text of /proc/kallsyms; lines that do not parse are an error with their number. */
int kallsyms_parse(struct kallsyms *k, const char *text, size_t len, struct tl_err *e);

/* Read and parse /proc/kallsyms under the path context. */
int kallsyms_load(struct kallsyms *k, const struct tl_path *p, struct tl_err *e);

/* The symbol containing addr and the offset into it; NULL when none (or hidden). */
const char *kallsyms_lookup(const struct kallsyms *k, uint64_t addr, uint64_t *off);

/* The address of a symbol by exact name (first match), 0 when unknown. Linear: call once. */
uint64_t kallsyms_addr(const struct kallsyms *k, const char *name);

/*
 * Format addr as "sym+0xoff" ("sym" at offset 0), "0x<hex>" when unknown,
 * and "" for a zero address (a tracepoint with no callback).
 */
void kallsyms_format(const struct kallsyms *k, uint64_t addr, char *out, size_t outsz);

#endif
