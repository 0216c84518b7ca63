// SPDX-License-Identifier: GPL-2.0-or-later
/* /proc/kallsyms: a sorted address table for naming tracepoint addresses. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kallsyms.h"

void kallsyms_init(struct kallsyms *k)
{
	memset(k, 0, sizeof(*k));
}

void kallsyms_free(struct kallsyms *k)
{
	free(k->syms);
	tl_buf_free(&k->names);
	kallsyms_init(k);
}

/* Text symbols only: callsites and callbacks always point into code. */
static bool ksym_is_text(char type)
{
	return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

/* Append one symbol, growing the arrays geometrically so a load is O(n). */
static int ksym_push(struct kallsyms *k, uint64_t addr, const char *name, size_t nlen)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 4096;
		struct ksym *s = realloc(k->syms, cap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		k->syms = s;
		k->cap = cap;
	}
	if (tl_buf_reserve(&k->names, k->names.len + nlen + 1) < 0)
		return -ENOMEM;
	memcpy(k->names.data + k->names.len, name, nlen);
	k->names.data[k->names.len + nlen] = '\0';
	k->syms[k->n].addr = addr;
	k->syms[k->n].name = (uint32_t)k->names.len;
	k->names.len += nlen + 1;
	k->n++;
	return 0;
}

/* One line: "ffffffff81000000 T _stext\t[module]"; *seen counts well-formed lines. */
static int ksym_parse_line(struct kallsyms *k, const char *line, size_t len, size_t *zeros)
{
	char *end;
	uint64_t addr = strtoull(line, &end, 16);
	const char *name;
	size_t nlen;
	char type;

	if (end == line || *end != ' ' || (size_t)(end - line) + 4 > len)
		return -EINVAL;
	type = end[1];
	if (end[2] != ' ')
		return -EINVAL;
	name = end + 3;
	nlen = strcspn(name, " \t\n");
	if (nlen == 0 || name + nlen > line + len)
		return -EINVAL;
	if (addr == 0)
		(*zeros)++;
	if (!ksym_is_text(type) || addr == 0)
		return 0;
	return ksym_push(k, addr, name, nlen);
}

/* Sort by address; equal addresses keep the first name seen (stable enough for aliases). */
static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->name < y->name ? -1 : x->name > y->name;
}

int kallsyms_parse(struct kallsyms *k, const char *text, size_t len, struct tl_err *e)
{
	const char *p = text, *stop = text + len;
	size_t lineno = 0, zeros = 0;

	k->n = 0;
	k->names.len = 0;
	while (p < stop) {
		const char *nl = memchr(p, '\n', (size_t)(stop - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(stop - p);
		int r;

		lineno++;
		if (l > 0) {
			r = ksym_parse_line(k, p, l, &zeros);
			if (r == -ENOMEM)
				return tl_err_sys(e, ENOMEM, "kallsyms");
			if (r < 0)
				return tl_err_set(e, EINVAL, "line %zu: not 'ADDR TYPE NAME'",
						  lineno);
		}
		p += l + 1;
	}
	k->hidden = k->n == 0 && zeros > 0;
	if (k->n) /* an empty kallsyms leaves syms NULL */
		qsort(k->syms, k->n, sizeof(*k->syms), ksym_cmp);
	return 0;
}

int kallsyms_load(struct kallsyms *k, const struct tl_path *p, struct tl_err *e)
{
	struct tl_buf b = {0};
	int r;

	r = tl_path_read_buf(p, "/proc/kallsyms", &b, e);
	if (r == 0)
		r = kallsyms_parse(k, b.data, b.len, e);
	tl_buf_free(&b);
	if (r < 0)
		tl_err_prefix(e, "/proc/kallsyms: ");
	return r;
}

const char *kallsyms_lookup(const struct kallsyms *k, uint64_t addr, uint64_t *off)
{
	size_t lo = 0, hi = k->n;

	if (k->n == 0 || addr < k->syms[0].addr)
		return NULL;
	/* Largest index whose address is <= addr. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	/* Step back over aliases at the same address to the first name. */
	while (lo > 0 && k->syms[lo - 1].addr == k->syms[lo].addr)
		lo--;
	*off = addr - k->syms[lo].addr;
	return k->names.data + k->syms[lo].name;
}

void kallsyms_format(const struct kallsyms *k, uint64_t addr, char *out, size_t outsz)
{
	uint64_t off;
	const char *name;

	if (addr == 0) {
		snprintf(out, outsz, "%s", "");
		return;
	}
	name = kallsyms_lookup(k, addr, &off);
	if (!name)
		snprintf(out, outsz, "0x%" PRIx64, addr);
	else if (off == 0)
		snprintf(out, outsz, "%s", name);
	else
		snprintf(out, outsz, "%s+0x%" PRIx64, name, off);
}

uint64_t kallsyms_addr(const struct kallsyms *k, const char *name)
{
	for (size_t i = 0; i < k->n; i++)
		if (!strcmp(k->names.data + k->syms[i].name, name))
			return k->syms[i].addr;
	return 0;
}
