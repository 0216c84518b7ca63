// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /proc/interrupts parser.
 *
 * The daemon parses this file every sample, on a housekeeping CPU, and on a
 * 1024-CPU machine it is a few megabytes: the parser works in place on the
 * raw text, with hand-rolled digit parsing, one memchr() per line and the
 * line's newline as sentinel, and reuses every buffer between samples.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "interrupts.h"

/* Longest decimal that can still fit 32 bits. */
#define IRQ_U32_DIGITS 10
/* Zero bytes kept after the text so that 8-byte reads stay inside the buffer. */
#define IRQ_PAD 8

void irq_table_init(struct irq_table *t)
{
	memset(t, 0, sizeof(*t));
}

void irq_table_free(struct irq_table *t)
{
	free(t->col_cpu);
	free(t->rows);
	free(t->counts);
	free(t->names);
	tl_buf_free(&t->raw);
	irq_table_init(t);
}

/* Padding between fields: the kernel writes spaces; tabs and CR are tolerated. */
static inline int irq_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Unsigned trick: one compare instead of two in the hottest loop. */
static inline int irq_is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

#define IRQ_ONES(b) (0x0101010101010101ULL * (b))

/* Eight bytes at p, in memory order (the first byte lowest, as x86 and arm64 load them). */
static inline uint64_t irq_load8(const char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

/*
 * Skip field padding. Most bytes of a big file are the spaces of "%10u ":
 * find the first non-space of eight bytes at once. The text always ends in a
 * NUL followed by IRQ_PAD zero bytes, so a read never leaves the buffer.
 */
static inline const char *irq_skip_blanks(const char *p)
{
	uint64_t x;

	for (;;) {
		x = irq_load8(p) ^ IRQ_ONES(' ');
		if (x)
			break;
		p += 8;
	}
	p += __builtin_ctzll(x) / 8;
	while (irq_is_blank(*p))
		p++;
	return p;
}

/* Number of leading digits in eight bytes already xor-ed with '0' (digits become 0..9). */
static inline unsigned int irq_ndigits8(uint64_t x)
{
	uint64_t m = (((x & IRQ_ONES(0x7f)) + IRQ_ONES(0x76)) | x) & IRQ_ONES(0x80);

	return m ? (unsigned int)__builtin_ctzll(m) / 8 : 8;
}

/* Value of the first n (1..8) digits of x, all at once (multiply-and-shift folding). */
static inline uint64_t irq_value8(uint64_t x, unsigned int n)
{
	x <<= 8 * (8 - n);
	x = ((x & IRQ_ONES(0x0f)) * 2561) >> 8;
	x = ((x & 0x00ff00ff00ff00ffULL) * 6553601) >> 16;
	return ((x & 0x0000ffff0000ffffULL) * 42949672960001ULL) >> 32;
}

/*
 * Parse one counter at p (a digit). Returns the end, or NULL when the value
 * needs more than 32 bits (more than ten digits never fit, whatever the sum).
 */
static inline const char *irq_parse_u32(const char *p, uint32_t *out)
{
	unsigned int n = irq_ndigits8(irq_load8(p) ^ IRQ_ONES('0'));
	uint64_t v = irq_value8(irq_load8(p) ^ IRQ_ONES('0'), n);
	const char *s = p;

	p += n;
	while (irq_is_digit(*p) && p - s <= IRQ_U32_DIGITS)
		v = v * 10 + (uint64_t)(*p++ - '0');
	if (irq_is_digit(*p) || v > UINT32_MAX)
		return NULL;
	*out = (uint32_t)v;
	return p;
}

/*
 * One counter in the kernel's layout: a blank, then "%10u" (ten bytes, right
 * aligned), eleven bytes in all. Fields of a row can then be parsed
 * independently of each other, and without branches (counter widths vary at
 * random, a branch on them would be mispredicted), which is what makes a
 * 1024-CPU file fast. The value is stored even when the field does not
 * match; false then sends the caller to the general path, which rewrites it.
 */
static inline bool irq_fixed_field(const char *q, uint32_t *out)
{
	uint64_t x = irq_load8(q + 3), d = x ^ IRQ_ONES('0'), s = x ^ IRQ_ONES(' ');
	uint64_t nondigit = (((d & IRQ_ONES(0x7f)) + IRQ_ONES(0x76)) | d) & IRQ_ONES(0x80);
	uint64_t nonspace = (((s & IRQ_ONES(0x7f)) + IRQ_ONES(0x7f)) | s) & IRQ_ONES(0x80);
	/* bit offset of the first digit among q[3..10]; 56 when only q[10] is one */
	unsigned int k = (unsigned int)__builtin_ctzll(nonspace | (1ULL << 63)) & ~7u;
	unsigned int c1 = (unsigned char)q[1], c2 = (unsigned char)q[2];
	bool dig1 = c1 - '0' < 10, dig2 = c2 - '0' < 10, sp1 = c1 == ' ', sp2 = c2 == ' ';
	uint64_t v = irq_value8(d >> k, 8 - k / 8);
	bool ok;

	/* q[1], q[2] hold digits 10 and 9 only when q[3..10] are all digits */
	ok = (sp1 & sp2) | ((k == 0) & dig2 & (sp1 | dig1));
	v += (uint64_t)dig2 * (c2 - '0') * 100000000ULL +
	     (uint64_t)dig1 * (c1 - '0') * 1000000000ULL;
	ok &= (nonspace != 0) & (q[0] == ' ') & ((nondigit >> k) == 0) & (v <= UINT32_MAX);
	*out = (uint32_t)v;
	return ok;
}

/* A number must end at a blank or at the end of the line, or it was not a number. */
static inline int irq_ends_field(char c)
{
	return irq_is_blank(c) || c == '\n' || c == '\0';
}

/* Trim [s, end) of blanks on both sides; the description is what remains. */
static void irq_trim(const char **s, const char *end, size_t *len)
{
	const char *b = *s;

	while (b < end && irq_is_blank(*b))
		b++;
	while (end > b && irq_is_blank(end[-1]))
		end--;
	*s = b;
	*len = (size_t)(end - b);
}

/* Record one "CPUn" header token as the next column; ids must ascend as online CPUs do. */
static int irq_header_cpu(struct irq_table *t, const char **pp, struct tl_err *e)
{
	const char *p = *pp;
	uint32_t id;

	if (strncmp(p, "CPU", 3) != 0 || !irq_is_digit(p[3]))
		return tl_err_set(e, EINVAL,
				  "line 1: expected a header of CPU columns, found \"%.20s\"", p);
	p = irq_parse_u32(p + 3, &id);
	if (!p || id >= TL_MAX_CPUS || !irq_ends_field(*p))
		return tl_err_set(e, EINVAL, "line 1: bad CPU column \"%.20s\"", *pp);
	if (t->ncols > 0 && (int)id <= t->col_cpu[t->ncols - 1])
		return tl_err_set(e, EINVAL, "line 1: CPU%u out of order after CPU%d", id,
				  t->col_cpu[t->ncols - 1]);
	if (tl_grow_array((void **)&t->col_cpu, &t->cols_cap, (size_t)t->ncols + 1, sizeof(int),
		     &t->allocs) < 0)
		return tl_err_set(e, ENOMEM, "out of memory");
	t->col_cpu[t->ncols++] = (int)id;
	cpuset_set(&t->cpus, (int)id);
	*pp = p;
	return 0;
}

/* The header names the online CPUs, one column each: offline CPUs have none. */
static int irq_parse_header(struct irq_table *t, const char *p, const char *eol, struct tl_err *e)
{
	int r;

	t->ncols = 0;
	cpuset_zero(&t->cpus);
	for (;;) {
		p = irq_skip_blanks(p);
		if (p >= eol)
			break;
		r = irq_header_cpu(t, &p, e);
		if (r < 0)
			return r;
	}
	if (t->ncols == 0)
		return tl_err_set(e, EINVAL, "line 1: header names no CPU");
	return 0;
}

/* Row name before the colon: "24", "TLB", "IPI0". Numbered rows get their number. */
static int irq_parse_name(struct irq_row *r, const char **pp, const char *eol, int line,
			  struct tl_err *e)
{
	const char *p = irq_skip_blanks(*pp), *s = p;
	size_t n;

	while (p < eol && *p != ':' && !irq_is_blank(*p))
		p++;
	n = (size_t)(p - s);
	if (p >= eol || *p != ':' || n == 0)
		return tl_err_set(e, EINVAL, "line %d: expected \"NAME:\" at \"%.20s\"", line, s);
	if (n >= IRQ_NAME_MAX)
		return tl_err_set(e, EINVAL, "line %d: row name \"%.*s\" longer than %d", line,
				  (int)n, s, IRQ_NAME_MAX - 1);
	memcpy(r->name, s, n);
	memset(r->name + n, 0, IRQ_NAME_MAX - n);
	r->irq = -1;
	r->numbered = irq_is_digit(*s);
	for (size_t i = 0; r->numbered && i < n; i++)
		r->numbered = irq_is_digit(s[i]);
	if (r->numbered && n <= 9)
		r->irq = atoi(r->name);
	else if (r->numbered)
		return tl_err_set(e, EINVAL, "line %d: IRQ number %s too large", line, r->name);
	*pp = p + 1;
	return 0;
}

/* All ncols counters of a row in the kernel's fixed layout, or false to take the general path. */
static bool irq_fixed_counts(const char *p, const char *eol, uint32_t *dst, int ncols)
{
	bool ok = true;

	if (eol - p < 11 * (ptrdiff_t)ncols)
		return false;
	for (int k = 0; k < ncols; k++)
		ok &= irq_fixed_field(p + 11 * k, &dst[k]);
	return ok && irq_ends_field(p[11 * ncols]);
}

/*
 * Parse up to ncols counters into dst. Returns how many were found, or a
 * negative errno (message set) for a counter too large or not a number.
 */
static int irq_parse_counts(const char **pp, uint32_t *dst, int ncols, int line, struct tl_err *e)
{
	const char *p = *pp, *s;
	int k;

	for (k = 0; k < ncols; k++) {
		p = irq_skip_blanks(p);
		if (!irq_is_digit(*p))
			break;
		s = p;
		p = irq_parse_u32(p, &dst[k]);
		if (!p)
			return tl_err_set(e, ERANGE, "line %d: counter \"%.24s\" exceeds 32 bits",
					  line, s);
		if (!irq_ends_field(*p))
			return tl_err_set(e, EINVAL,
					  "line %d: counter %d is not a number: \"%.24s\"", line,
					  k + 1, s);
	}
	*pp = p;
	return k;
}

/* ERR, MIS and arm's Err are the rows the kernel prints with one global value. */
static int irq_global_name(const char *name)
{
	return !strcmp(name, "ERR") || !strcmp(name, "MIS") || !strcmp(name, "Err");
}

/*
 * Classify a row by how many counters it had (rules in interrupts.h). A row
 * with one value followed by text is not global: it is a short row.
 */
static int irq_classify(const struct irq_table *t, struct irq_row *r, int k, const uint32_t *c,
			int line, struct tl_err *e)
{
	bool bare = r->desc_len == 0;

	r->global = false;
	if (k == 1 && bare && (t->ncols > 1 || irq_global_name(r->name))) {
		r->global = true;
		r->global_value = c[0];
		return 0;
	}
	if (k == t->ncols)
		return 0;
	if (k == 0)
		return tl_err_set(e, EINVAL, "line %d: %s: no counts", line, r->name);
	return tl_err_set(e, EINVAL, "line %d: %s: expected %d counts, found %d", line, r->name,
			  t->ncols, k);
}

/* Make room for row i and its ncols counters. */
static int irq_reserve_row(struct irq_table *t, int i)
{
	size_t need = ((size_t)i + 1) * (size_t)t->ncols;

	if (tl_grow_array((void **)&t->rows, &t->rows_cap, (size_t)i + 1, sizeof(*t->rows), &t->allocs) <
	    0)
		return -ENOMEM;
	if (tl_grow_array((void **)&t->counts, &t->counts_cap, need, sizeof(uint32_t), &t->allocs) < 0)
		return -ENOMEM;
	return 0;
}

/* The counters and description after a row's name: the fixed layout, else the general path. */
static int irq_parse_tail(const struct irq_table *t, struct irq_row *r, const char *p,
			  const char *eol, uint32_t *c, int line, struct tl_err *e)
{
	int k;

	if (irq_fixed_counts(p, eol, c, t->ncols)) {
		k = t->ncols;
		p += 11 * t->ncols;
	} else {
		k = irq_parse_counts(&p, c, t->ncols, line, e);
		if (k < 0)
			return k;
	}
	r->desc = p;
	irq_trim(&r->desc, eol, &r->desc_len);
	return irq_classify(t, r, k, c, line, e);
}

/* Parse one row line [p, eol) into row t->nrows. */
static int irq_parse_row(struct irq_table *t, const char *p, const char *eol, int line,
			 struct tl_err *e)
{
	struct irq_row *r;
	uint32_t *c;
	int ret;

	if (irq_reserve_row(t, t->nrows) < 0)
		return tl_err_set(e, ENOMEM, "out of memory");
	r = &t->rows[t->nrows];
	c = t->counts + (size_t)t->nrows * (size_t)t->ncols;
	ret = irq_parse_name(r, &p, eol, line, e);
	if (ret < 0)
		return ret;
	ret = irq_parse_tail(t, r, p, eol, c, line, e);
	if (ret < 0)
		return ret;
	t->nrows++;
	return 0;
}

/*
 * The shape of the kernel's layout without converting: every field is a
 * blank then ten bytes ending in a digit. Enough to skip unselected columns
 * safely: a row that is not in this layout takes the general path.
 */
static bool irq_fixed_shape(const char *p, int ncols)
{
	bool ok = true;

	for (int k = 0; k < ncols; k++)
		ok &= (p[11 * k] == ' ') & irq_is_digit(p[11 * k + 10]);
	return ok;
}

/* Selected counters of a row in the fixed layout, or false to take the general path. */
static bool irq_fixed_select(const char *p, const char *eol, int ncols, const int *sel, int nsel,
			     uint32_t *out)
{
	bool ok;

	if (eol - p < 11 * (ptrdiff_t)ncols || !irq_ends_field(p[11 * ncols]))
		return false;
	ok = nsel == ncols || irq_fixed_shape(p, ncols);
	for (int j = 0; j < nsel; j++)
		ok &= irq_fixed_field(p + 11 * sel[j], &out[j]);
	return ok;
}

int irq_row_parse_name(const char *p, const char *eol, int line, struct irq_row *r,
		       const char **rest, struct tl_err *e)
{
	int ret;

	if (irq_skip_blanks(p) >= eol)
		return 0;
	ret = irq_parse_name(r, &p, eol, line, e);
	if (ret < 0)
		return ret;
	r->occurrence = 0;
	r->counts = NULL;
	r->global = false;
	r->desc = NULL;
	r->desc_len = 0;
	*rest = p;
	return 1;
}

/* Mix one word into a lane; the rotation carries high bits down, where the multiply cannot. */
static inline uint64_t irq_mix(uint64_t h, uint64_t w)
{
	h ^= w;
	h = (h << 29) | (h >> 35);
	return h * 0x9e3779b97f4a7c15ULL;
}

uint64_t irq_row_select_print(const struct irq_table *t, const char *rest, const char *eol,
			      const struct irq_select *s)
{
	uint64_t h0 = 1, h1 = 2, h2 = 3, h3 = 4, w;
	const char *q, *end;

	if (s->n == 0 || t->ncols < 2 || eol - rest < 11 * (ptrdiff_t)t->ncols ||
	    !irq_ends_field(rest[11 * t->ncols]))
		return 0;
	q = rest + 11 * s->cols[0];
	end = rest + 11 * (s->cols[s->n - 1] + 1);
	/* four independent lanes: the multiplies overlap */
	for (; end - q >= 32; q += 32) {
		h0 = irq_mix(h0, irq_load8(q));
		h1 = irq_mix(h1, irq_load8(q + 8));
		h2 = irq_mix(h2, irq_load8(q + 16));
		h3 = irq_mix(h3, irq_load8(q + 24));
	}
	for (; q < end; q += 8) {
		w = 0;
		memcpy(&w, q, end - q < 8 ? (size_t)(end - q) : 8);
		h0 = irq_mix(h0, w);
	}
	w = irq_mix(irq_mix(irq_mix(h0, h1), h2), h3);
	return w | 1; /* 0 means "no fingerprint" */
}

int irq_row_parse_values(const struct irq_table *t, const char *rest, const char *eol, int line,
			 const struct irq_select *s, struct irq_row *r, struct tl_err *e)
{
	const char *p = rest;
	int ret;

	/* one column: a global row ("ERR: 0") would look fixed; the general path tells */
	if (t->ncols > 1 && irq_fixed_select(p, eol, t->ncols, s->cols, s->n, s->out)) {
		r->desc = p + 11 * t->ncols;
		irq_trim(&r->desc, eol, &r->desc_len);
		return 0; /* all ncols counts: a per-CPU row (irq_classify's rules) */
	}
	ret = irq_parse_tail(t, r, p, eol, s->scratch, line, e);
	if (ret < 0)
		return ret;
	for (int j = 0; !r->global && j < s->n; j++)
		s->out[j] = s->scratch[s->cols[j]];
	return 0;
}

int irq_row_parse_select(const struct irq_table *t, const char *p, const char *eol, int line,
			 const struct irq_select *s, struct irq_row *r, struct tl_err *e)
{
	const char *rest;
	int ret = irq_row_parse_name(p, eol, line, r, &rest, e);

	if (ret <= 0)
		return ret;
	ret = irq_row_parse_values(t, rest, eol, line, s, r, e);
	return ret < 0 ? ret : 1;
}

int irq_table_parse_header(struct irq_table *t, const char *p, const char *eol, struct tl_err *e)
{
	int r;

	t->nrows = 0;
	r = irq_parse_header(t, p, eol, e);
	if (r < 0)
		t->ncols = 0;
	return r;
}

/* FNV-1a over the fixed-size, zero-padded name: cheap and well spread. */
static size_t irq_name_hash(const char *name)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < IRQ_NAME_MAX && name[i]; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	return h;
}

/* Slot holding name, or the free slot where it belongs. */
static struct irq_name_slot *irq_name_slot(const struct irq_table *t, const char *name)
{
	size_t mask = t->names_cap - 1, i = irq_name_hash(name) & mask;

	while (t->names[i].first >= 0 && strcmp(t->rows[t->names[i].first].name, name) != 0)
		i = (i + 1) & mask;
	return &t->names[i];
}

/*
 * Number repeated names (powerpc prints LOC twice) and index names for
 * irq_table_find(): a hash keeps a 10 MB file linear.
 */
static int irq_index_names(struct irq_table *t)
{
	size_t need = 64;

	while (need < 2 * (size_t)t->nrows)
		need *= 2;
	if (tl_grow_array((void **)&t->names, &t->names_cap, need, sizeof(*t->names), &t->allocs) < 0)
		return -ENOMEM;
	memset(t->names, 0xff, t->names_cap * sizeof(*t->names));
	for (int i = 0; i < t->nrows; i++) {
		struct irq_row *r = &t->rows[i];
		struct irq_name_slot *s = irq_name_slot(t, r->name);

		r->occurrence = s->first < 0 ? 0 : t->rows[s->last].occurrence + 1;
		if (s->first < 0)
			s->first = i;
		s->last = i;
		r->counts = r->global ? NULL : t->counts + (size_t)i * (size_t)t->ncols;
	}
	return 0;
}

/*
 * Copy the caller's text into t->raw, so descriptions stay valid after the
 * caller frees it. Either way leave IRQ_PAD zero bytes after the text, for
 * the word-at-a-time reads of irq_skip_blanks().
 */
static int irq_take_text(struct irq_table *t, const char *text, size_t len, struct tl_err *e)
{
	if (text != t->raw.data) {
		if (tl_buf_reserve(&t->raw, len + IRQ_PAD) < 0)
			return tl_err_set(e, ENOMEM, "out of memory");
		memmove(t->raw.data, text, len); /* text may lie inside raw */
	} else if (tl_buf_reserve(&t->raw, len + IRQ_PAD) < 0) {
		return tl_err_set(e, ENOMEM, "out of memory");
	}
	t->raw.len = len;
	memset(t->raw.data + len, 0, IRQ_PAD + 1);
	return 0;
}

/* Walk the lines after the header; each must be a complete row or blank. */
static int irq_parse_rows(struct irq_table *t, const char *p, const char *end, struct tl_err *e)
{
	int line = 1, r;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		line++;
		if (!eol)
			return tl_err_set(e, EINVAL,
					  "line %d: truncated (no newline at end of file)", line);
		if (irq_skip_blanks(p) < eol) {
			r = irq_parse_row(t, p, eol, line, e);
			if (r < 0)
				return r;
		}
		p = eol + 1;
	}
	if (t->nrows == 0)
		return tl_err_set(e, EINVAL, "no interrupt rows after the header");
	return 0;
}

/* The parse proper, on NUL-terminated text owned by t. */
static int irq_parse_raw(struct irq_table *t, struct tl_err *e)
{
	const char *p = t->raw.data, *end = p + t->raw.len, *eol;
	int r;

	if (t->raw.len == 0)
		return tl_err_set(e, EINVAL, "empty file");
	eol = memchr(p, '\n', t->raw.len);
	if (!eol)
		return tl_err_set(e, EINVAL, "line 1: header without rows");
	r = irq_parse_header(t, p, eol, e);
	if (r < 0)
		return r;
	r = irq_parse_rows(t, eol + 1, end, e);
	if (r < 0)
		return r;
	if (irq_index_names(t) < 0)
		return tl_err_set(e, ENOMEM, "out of memory");
	return 0;
}

int irq_table_parse(struct irq_table *t, const char *text, size_t len, struct tl_err *e)
{
	int r;

	t->ncols = 0;
	t->nrows = 0;
	r = irq_take_text(t, text, len, e);
	if (r < 0)
		return r;
	r = irq_parse_raw(t, e);
	if (r < 0) {
		t->ncols = 0;
		t->nrows = 0;
	}
	return r;
}

int irq_table_read(struct irq_table *t, const struct tl_path *p, struct tl_err *e)
{
	int r;

	t->ncols = 0;
	t->nrows = 0;
	r = tl_path_read_buf(p, "/proc/interrupts", &t->raw, e);
	if (r < 0)
		return r;
	r = irq_table_parse(t, t->raw.data, t->raw.len, e);
	if (r < 0)
		tl_err_prefix(e, "/proc/interrupts: ");
	return r;
}

const struct irq_row *irq_table_find(const struct irq_table *t, const char *name)
{
	const struct irq_name_slot *s;

	if (t->nrows == 0 || strlen(name) >= IRQ_NAME_MAX)
		return NULL;
	s = irq_name_slot(t, name);
	return s->first < 0 ? NULL : &t->rows[s->first];
}

const struct irq_row *irq_table_find_nth(const struct irq_table *t, const char *name,
					 int occurrence)
{
	const struct irq_row *r = irq_table_find(t, name);

	if (!r || occurrence == 0)
		return r;
	for (int i = (int)(r - t->rows) + 1; i < t->nrows; i++)
		if (t->rows[i].occurrence == occurrence && !strcmp(t->rows[i].name, name))
			return &t->rows[i];
	return NULL;
}

/* Columns ascend by CPU id (checked in the header), so a binary search finds one. */
int irq_table_col(const struct irq_table *t, int cpu)
{
	int lo = 0, hi = t->ncols - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;

		if (t->col_cpu[mid] == cpu)
			return mid;
		if (t->col_cpu[mid] < cpu)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

bool irq_row_count(const struct irq_table *t, const struct irq_row *r, int cpu, uint32_t *out)
{
	int col;

	if (r->global || !r->counts)
		return false;
	col = irq_table_col(t, cpu);
	if (col < 0)
		return false;
	*out = r->counts[col];
	return true;
}
