// SPDX-License-Identifier: GPL-2.0-or-later
/* The sampler behind tlbisod: deltas, classification and windowed rates; see monitor.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ctrpack.h"
#include "monitor.h"

/*
 * The device IRQ names, 2 x MON_IRQ_NAMES per CPU, as an anonymous mapping:
 * its pages stay untouched (not resident) but for the CPUs that had device
 * IRQs, which on isolated CPUs are few. malloc would not promise that.
 */
static int mon_alloc_names(struct monitor *m, int n)
{
	size_t len = (size_t)(n ? n : 1) * 2 * MON_IRQ_NAMES;
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -ENOMEM;
	m->irq_names = p;
	m->irq_names_len = len;
	return 0;
}

/* Allocate the per-CPU state once, so that sampling never allocates. */
static int mon_alloc(struct monitor *m, int n, int window)
{
	m->cpus = calloc(n ? n : 1, sizeof(*m->cpus));
	m->cls_in = calloc(n ? n : 1, sizeof(*m->cls_in));
	m->cls_out = calloc(n ? n : 1, sizeof(*m->cls_out));
	m->scratch_col = calloc(n ? n : 1, sizeof(int));
	m->sel_col = calloc(n ? n : 1, sizeof(int));
	m->sel_cpu = calloc(n ? n : 1, sizeof(int));
	m->sel.out = calloc(n ? n : 1, sizeof(uint32_t));
	m->valid = calloc(n ? n : 1, 1);
	m->row_old = calloc(n ? n : 1, sizeof(uint32_t));
	m->row_new = calloc(n ? n : 1, sizeof(uint32_t));
	m->rings = calloc((size_t)(n ? n : 1) * (size_t)window, sizeof(struct mon_slot));
	m->sel.cols = m->sel_col;
	if (!m->valid || !m->cpus || !m->cls_in || !m->cls_out || !m->scratch_col || !m->sel_col ||
	    !m->sel_cpu || !m->sel.out || !m->rings || !m->row_old || !m->row_new ||
	    mon_alloc_names(m, n) < 0)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		m->cpus[i].ring = m->rings + (size_t)i * (size_t)window;
		m->cpus[i].irq_buf = m->irq_names + 2 * (size_t)i;
	}
	return 0;
}

int monitor_init(struct monitor *m, const struct cpuset *watch, const struct cpuset *nohz,
		 int window, int baseline_samples, struct tl_err *e)
{
	int cpu, i = 0;

	memset(m, 0, sizeof(*m));
	m->ncpus = cpuset_count(watch);
	m->window = window > 0 ? window : 1;
	m->baseline_samples = baseline_samples;
	m->chunk = MON_CHUNK;
	m->fd = -1;
	irq_table_init(&m->hdr);
	if (mon_alloc(m, m->ncpus, m->window) < 0) {
		monitor_free(m);
		return tl_err_set(e, ENOMEM, "monitor: out of memory for %d CPUs", m->ncpus);
	}
	cpuset_for_each(cpu, watch)
	{
		m->cpus[i].cpu = cpu;
		m->cpus[i].col = -1;
		m->cpus[i].nohz_full = nohz && cpuset_isset(nohz, cpu);
		i++;
	}
	return 0;
}

/* Free a baseline: its rows and every slot's buffer. */
static void base_free(struct mon_base *b)
{
	for (size_t i = 0; b->rows && i < b->rows_cap; i++)
		free(b->rows[i].data);
	free(b->rows);
	memset(b, 0, sizeof(*b));
}

void monitor_free(struct monitor *m)
{
	free(m->rings);
	if (m->irq_names)
		munmap(m->irq_names, m->irq_names_len);
	free(m->cpus);
	free(m->cls_in);
	free(m->cls_out);
	free(m->scratch_col);
	free(m->sel_cpu);
	free(m->sel_col);
	free(m->valid);
	free(m->row_old);
	free(m->row_new);
	free(m->sel.out);
	free(m->sel.scratch);
	free(m->seen);
	base_free(&m->base);
	base_free(&m->old);
	irq_table_free(&m->hdr);
	tl_buf_free(&m->buf);
	if (m->fd >= 0)
		close(m->fd);
	memset(m, 0, sizeof(*m));
	m->fd = -1;
}

/* FNV-1a over a zero-padded row name. */
static size_t seen_hash(const char *name)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < IRQ_NAME_MAX && name[i]; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	return h;
}

/*
 * The slot of name in the seen set, or the free slot where it belongs. A
 * slot is in use when stamped with this sample's generation: clearing the
 * set between samples is then free.
 */
static struct mon_seen *seen_slot(struct mon_seen *set, size_t cap, unsigned int gen,
				  const char *name)
{
	size_t i = seen_hash(name) & (cap - 1);

	while (set[i].gen == gen && strcmp(set[i].name, name))
		i = (i + 1) & (cap - 1);
	return &set[i];
}

/* Double the seen set and re-insert this sample's names (a file with more rows than before). */
static int seen_grow(struct monitor *m)
{
	size_t cap = m->seen_cap ? m->seen_cap * 2 : 64;
	struct mon_seen *set = calloc(cap, sizeof(*set));

	if (!set)
		return -ENOMEM;
	for (size_t i = 0; i < m->seen_cap; i++)
		if (m->seen[i].gen == m->seen_gen)
			*seen_slot(set, cap, m->seen_gen, m->seen[i].name) = m->seen[i];
	free(m->seen);
	m->seen = set;
	m->seen_cap = cap;
	m->allocs++;
	return 0;
}

/* Number a row as the index does (0 first, 1 the repeat): powerpc prints LOC twice. */
static int seen_add(struct monitor *m, const char *name)
{
	struct mon_seen *s;

	if (2 * (m->seen_n + 1) > m->seen_cap && seen_grow(m) < 0)
		return -ENOMEM;
	s = seen_slot(m->seen, m->seen_cap, m->seen_gen, name);
	if (s->gen != m->seen_gen) {
		memcpy(s->name, name, IRQ_NAME_MAX);
		s->gen = m->seen_gen;
		s->n = 0;
		m->seen_n++;
	}
	return s->n++;
}

/* Does the description (not NUL-terminated) start with word? Maps arm's IPIn rows. */
static bool desc_is(const struct irq_row *r, const char *word)
{
	size_t n = strlen(word);

	return r->desc && r->desc_len >= n && !strncmp(r->desc, word, n);
}

/* The x86 rows named after the source they feed; the other sources come from IPIn rows. */
static const char *const mon_row_names[] = {[SRC_TLB] = "TLB",
					    [SRC_CAL] = "CAL",
					    [SRC_RES] = "RES",
					    [SRC_LOC] = "LOC",
					    [SRC_IWI] = "IWI"};

/* The source a row feeds, or -1 for rows the monitor does not rate (NMI, ERR...). */
static int row_source(const struct irq_row *r)
{
	if (r->global || r->occurrence)
		return -1;
	if (r->numbered)
		return SRC_IRQ;
	for (int s = 0; s < SRC_IRQ; s++)
		if (!strcmp(r->name, mon_row_names[s]))
			return s;
	if (strncmp(r->name, "IPI", 3))
		return -1;
	if (desc_is(r, "Rescheduling interrupts"))
		return SRC_RES;
	if (desc_is(r, "Function call interrupts"))
		return SRC_CAL;
	if (desc_is(r, "IRQ work interrupts"))
		return SRC_IWI;
	return -1;
}

/* Make room for row i of the base; new slots are empty. */
static int base_reserve(struct monitor *m, int i)
{
	size_t had = m->base.rows_cap;

	if (tl_grow_array((void **)&m->base.rows, &m->base.rows_cap, (size_t)i + 1,
			  sizeof(struct mon_row), &m->allocs) < 0)
		return -ENOMEM;
	memset(m->base.rows + had, 0, (m->base.rows_cap - had) * sizeof(struct mon_row));
	return 0;
}

/*
 * The set of rows changed at row from: set the rest of the base aside for
 * this sample (the rows move with their buffers, the counters are not copied).
 */
static int old_take(struct monitor *m, int from)
{
	size_t n = (size_t)(m->base.nrows - from);

	m->old.rows = malloc(n * sizeof(struct mon_row));
	if (!m->old.rows)
		return -ENOMEM;
	m->allocs++;
	memcpy(m->old.rows, m->base.rows + from, n * sizeof(struct mon_row));
	memset(m->base.rows + from, 0, n * sizeof(struct mon_row));
	m->old.nrows = (int)n;
	m->old.rows_cap = n;
	m->old_pos = 0;
	m->base.nrows = from;
	return 0;
}

/* The row in the set-aside base, searched from the last match on (rows keep their order). */
static struct mon_row *old_find(struct monitor *m, const char *name)
{
	for (int k = 0; k < m->old.nrows; k++) {
		int i = (m->old_pos + k) % m->old.nrows;

		if (!strcmp(m->old.rows[i].name, name)) {
			m->old_pos = i + 1;
			return &m->old.rows[i];
		}
	}
	return NULL;
}

/*
 * The row that held the previous counters of the row that becomes row
 * m->nrows of the base, or NULL for a row that is new. Usually the row is
 * where it was, and is updated in place.
 */
static int base_prev(struct monitor *m, const char *name, struct mon_row **prev)
{
	int i = m->nrows;

	*prev = NULL;
	if (!m->old.rows) {
		if (i < m->base.nrows && !strcmp(m->base.rows[i].name, name)) {
			*prev = &m->base.rows[i];
			return 0;
		}
		if (i >= m->base.nrows)
			return 0;
		if (old_take(m, i) < 0)
			return -ENOMEM;
	}
	*prev = old_find(m, name);
	return 0;
}

/* How a device IRQ row is named in mon_cpu_irqs ("24" and "eth0"), found once a row. */
struct mon_irq_label {
	const char *name, *dev;
	size_t nl, dl;
};

/* The label of a row: its name and the last word of its description (the device). */
static void irq_label(const struct irq_row *r, struct mon_irq_label *l)
{
	const char *d = r->desc ? r->desc : "", *end = d + (r->desc ? r->desc_len : 0), *sp;

	for (sp = end; sp > d && sp[-1] != ' '; sp--)
		;
	l->name = r->name;
	l->nl = strlen(r->name);
	l->dev = sp;
	l->dl = (size_t)(end - sp);
}

/* Name a device IRQ that hit a CPU ("24:eth0"), as long as there is room; no printf, it is hot. */
static void note_irq(struct mon_cpu *c, const struct mon_irq_label *l)
{
	size_t n = c->irq_len;
	char *scratch = c->irq_buf[c->irq_cur ^ 1], *o = scratch + n;

	if (n + l->nl + l->dl + 3 >= MON_IRQ_NAMES)
		return;
	if (n)
		*o++ = ',';
	memcpy(o, l->name, l->nl);
	o += l->nl;
	if (l->dl) {
		*o++ = ':';
		memcpy(o, l->dev, l->dl);
		o += l->dl;
	}
	*o = '\0';
	c->irq_len = (unsigned char)(o - scratch);
}

/* Add one delta to a CPU; a counter that went back is a reset, skipped. */
static void add_delta(struct mon_cpu *c, const struct mon_irq_label *l, int src, uint32_t d)
{
	if (d >= MON_RESET_DELTA) {
		c->resets++;
		c->last_resets++;
		return;
	}
	if (!d)
		return;
	c->delta[src] = UINT32_MAX - c->delta[src] < d ? UINT32_MAX : c->delta[src] + d;
	if (src == SRC_IRQ)
		note_irq(c, l);
}

/*
 * Room for len packed bytes in a row's buffer: the size asked the first
 * time; once the row outgrew it, a sixteenth more, so that counters growing
 * by a few bytes do not reallocate every sample. Memory goes back when the
 * row needs less than half of its buffer.
 */
static int row_room(struct monitor *m, struct mon_row *row, size_t len)
{
	size_t want = len + CTRPACK_PAD, cap = want + (row->cap ? want / 16 : 0);
	unsigned char *p;

	if (want <= row->cap && (row->cap <= 64 || 2 * want >= row->cap))
		return 0;
	cap = (cap + 15) & ~(size_t)15;
	if (cap > UINT32_MAX)
		return -ENOMEM;
	p = realloc(row->data, cap);
	if (!p)
		return -ENOMEM;
	row->data = p;
	row->cap = (uint32_t)cap;
	m->allocs++;
	return 0;
}

/* Pack row_new, tallied as t, into a row of the base, in its buffer when that is big enough. */
static int row_pack(struct monitor *m, struct mon_row *row, const struct ctrpack_tally *t)
{
	enum ctrpack_enc enc;
	size_t len = ctrpack_choose(t, (size_t)m->ncpus, &enc);

	if (row_room(m, row, len) < 0)
		return -ENOMEM;
	ctrpack_encode(m->row_new, (size_t)m->ncpus, enc, row->data);
	row->len = (uint32_t)len;
	row->enc = (unsigned char)enc;
	return 0;
}

/* Swap two rows' buffers: a row taken from the set-aside base brings its own. */
static void row_swap_data(struct mon_row *a, struct mon_row *b)
{
	unsigned char *d = a->data;
	uint32_t cap = a->cap;

	a->data = b->data;
	a->cap = b->cap;
	b->data = d;
	b->cap = cap;
}

/*
 * Take the deltas of the selected CPUs against their previous counters
 * (row_old), and lay out the new counters in row_new, tallied for packing.
 */
static void row_deltas(struct monitor *m, const struct irq_row *r, int src, struct ctrpack_tally *t)
{
	struct mon_irq_label l = {0};

	if (src == SRC_IRQ)
		irq_label(r, &l);
	if (m->sel.n < m->ncpus) /* offline CPUs hold 0 */
		memset(m->row_new, 0, (size_t)m->ncpus * sizeof(uint32_t));
	for (int j = 0; j < m->sel.n; j++) {
		int w = m->sel_cpu[j];
		uint32_t v = m->sel.out[j];

		m->row_new[w] = v;
		ctrpack_tally_add(t, v);
		if (m->valid[w])
			add_delta(&m->cpus[w], &l, src, irq_delta(m->row_old[w], v));
	}
}

/* Account a rated row against its previous counters, then make it row m->nrows of the base. */
static int account_row(struct monitor *m, const struct irq_row *r, int src, uint64_t print)
{
	struct ctrpack_tally t = {0, 0};
	struct mon_row *prev, *dst;

	if (base_prev(m, r->name, &prev) < 0 || base_reserve(m, m->nrows) < 0)
		return -ENOMEM;
	dst = &m->base.rows[m->nrows];
	if (prev)
		ctrpack_decode(prev->data, (size_t)m->ncpus, prev->enc, m->row_old);
	else /* a new row: the kernel creates it at zero */
		memset(m->row_old, 0, (size_t)m->ncpus * sizeof(uint32_t));
	if (prev && prev != dst)
		row_swap_data(dst, prev);
	row_deltas(m, r, src, &t);
	if (row_pack(m, dst, &t) < 0)
		return -ENOMEM;
	memcpy(dst->name, r->name, IRQ_NAME_MAX);
	dst->src = src;
	dst->print = print;
	m->nrows++;
	if (m->nrows > m->base.nrows)
		m->base.nrows = m->nrows;
	return 0;
}

/* Find each CPU's column in the new header, and whether it can have a delta this time. */
static int map_columns(struct monitor *m)
{
	int online = 0, n = 0;

	m->same_cols = m->dt_ok && m->hdr.ncols == m->base_ncols;

	if (tl_grow_array((void **)&m->sel.scratch, &m->scratch_cap, (size_t)m->hdr.ncols,
		     sizeof(uint32_t), &m->allocs) < 0)
		return -ENOMEM;
	for (int i = 0; i < m->ncpus; i++) {
		struct mon_cpu *c = &m->cpus[i];
		int col = irq_table_col(&m->hdr, c->cpu);

		m->scratch_col[i] = col;
		m->same_cols &= c->col == col;
		c->valid = m->dt_ok && c->col >= 0 && col >= 0;
		if (col >= 0) {
			m->sel_col[n] = col;
			m->sel_cpu[n++] = i;
		}
		online += col >= 0;
		memset(c->delta, 0, sizeof(c->delta));
		c->last_resets = 0;
		c->irq_len = 0; /* the scratch is not touched: its page may not be resident */
		m->valid[i] = c->valid;
	}
	m->sel.n = n;
	m->online_watched = online;
	return 0;
}

/*
 * Can row_source() rate this row, from its name alone? Rows it cannot
 * (NMI, SPU, MCE... a quarter of a big x86 file's named rows) are not
 * converted at all: only their name is read.
 */
static bool row_may_rate(const struct irq_row *r)
{
	if (r->occurrence)
		return false;
	if (r->numbered || !strncmp(r->name, "IPI", 3))
		return true;
	for (int s = 0; s < SRC_IRQ; s++)
		if (!strcmp(r->name, mon_row_names[s]))
			return true;
	return false;
}

/* A rated row whose watched counters read as they did: nothing to convert, no delta. */
static bool row_unchanged(const struct monitor *m, const struct irq_row *r, uint64_t print)
{
	const struct mon_row *b;

	if (!print || !m->same_cols || m->old.rows || r->occurrence || m->nrows >= m->base.nrows)
		return false;
	b = &m->base.rows[m->nrows];
	return b->print == print && !strcmp(b->name, r->name);
}

/* One row: skipped when unchanged, else parsed and accounted when the monitor rates it. */
static int mon_row(struct monitor *m, const char *p, const char *eol, struct tl_err *e)
{
	struct irq_row r;
	const char *rest;
	uint64_t print;
	int ret, src;

	ret = irq_row_parse_name(p, eol, m->line, &r, &rest, e);
	if (ret <= 0)
		return ret;
	r.occurrence = seen_add(m, r.name);
	if (r.occurrence < 0)
		return tl_err_set(e, ENOMEM, "out of memory");
	if (!row_may_rate(&r))
		return 0;
	print = irq_row_select_print(&m->hdr, rest, eol, &m->sel);
	if (row_unchanged(m, &r, print)) {
		m->nrows++;
		m->rows_skipped++;
		return 0;
	}
	ret = irq_row_parse_values(&m->hdr, rest, eol, m->line, &m->sel, &r, e);
	if (ret < 0)
		return ret;
	src = row_source(&r);
	if (src >= 0 && account_row(m, &r, src, print) < 0)
		return tl_err_set(e, ENOMEM, "out of memory");
	return 0;
}

/* One line of the file: the header, or a row. */
static int mon_line(struct monitor *m, const char *p, const char *eol, struct tl_err *e)
{
	int ret;

	if (++m->line > 1)
		return mon_row(m, p, eol, e);
	ret = irq_table_parse_header(&m->hdr, p, eol, e);
	if (ret == 0 && map_columns(m) < 0)
		ret = tl_err_set(e, ENOMEM, "out of memory");
	return ret;
}

/* Where the text comes from: a descriptor, or the caller's memory (monitor_feed). */
struct mon_src {
	int fd;
	const char *text;
	size_t len, off;
};

/* Read up to n bytes into dst; 0 at the end. */
static ssize_t src_read(struct mon_src *s, char *dst, size_t n)
{
	ssize_t r;

	if (s->fd < 0) {
		if (n > s->len - s->off)
			n = s->len - s->off;
		memcpy(dst, s->text + s->off, n);
		s->off += n;
		return (ssize_t)n;
	}
	do
		r = read(s->fd, dst, n);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

/* Parse the complete lines of [p, end); returns where the unfinished line starts. */
static int mon_lines(struct monitor *m, const char **pp, const char *end, struct tl_err *e)
{
	const char *p = *pp, *eol;
	int r;

	while (p < end && (eol = memchr(p, '\n', (size_t)(end - p)))) {
		r = mon_line(m, p, eol, e);
		if (r < 0)
			return r;
		p = eol + 1;
	}
	*pp = p;
	return 0;
}

/* Room for the next read after keep bytes, short of the parser's zero padding. */
static size_t read_room(const struct tl_buf *b, size_t keep)
{
	return b->cap > keep + IRQ_READ_PAD + 1 ? b->cap - keep - IRQ_READ_PAD - 1 : 0;
}

/*
 * Read the file a chunk at a time, whole lines parsed as they arrive; the
 * unfinished last line moves to the front for the next read. The buffer
 * keeps IRQ_READ_PAD zero bytes after the data for the parser. It is one
 * chunk, and a read takes what room the unfinished line leaves; it grows
 * only when that is less than half a chunk (a line of more than half).
 */
static int mon_read(struct monitor *m, struct mon_src *src, struct tl_err *e)
{
	struct tl_buf *b = &m->buf;
	size_t keep = 0, half = (m->chunk + 1) / 2, room;
	ssize_t n;

	for (;;) {
		const char *p = b->data, *end;

		room = read_room(b, keep);
		if (room < half) {
			if (tl_buf_reserve(b, keep + half + IRQ_READ_PAD + 1) < 0)
				return tl_err_set(e, ENOMEM, "out of memory");
			m->allocs++;
			room = read_room(b, keep);
		}
		n = src_read(src, b->data + keep, room < m->chunk ? room : m->chunk);
		if (n < 0)
			return tl_err_set(e, (int)-n, "read: %s", strerror((int)-n));
		if (n == 0)
			break;
		end = b->data + keep + n;
		memset((char *)end, 0, IRQ_READ_PAD);
		p = b->data;
		if (mon_lines(m, &p, end, e) < 0)
			return -EINVAL;
		keep = (size_t)(end - p);
		memmove(b->data, p, keep);
	}
	if (keep)
		return tl_err_set(e, EINVAL, "line %d: truncated (no newline at end of file)",
				  m->line + 1);
	if (m->line == 0)
		return tl_err_set(e, EINVAL, "empty file");
	if (m->line == 1)
		return tl_err_set(e, EINVAL, "line 1: header without rows");
	return 0;
}

/* Replace the oldest window slot of a CPU by this sample and keep the running sums. */
static void push_slot(struct mon_cpu *c, int pos, uint32_t dt_us)
{
	struct mon_slot *s = &c->ring[pos];

	for (int k = 0; k < SRC_COUNT; k++) {
		c->wsum[k] += c->delta[k];
		c->wsum[k] -= s->src[k];
		s->src[k] = c->delta[k];
	}
	for (int k = 0; k < CH_COUNT; k++) {
		c->wsum_ch[k] += c->chan[k];
		c->wsum_ch[k] -= s->ch[k];
		s->ch[k] = c->chan[k];
	}
	c->wsum_dt_us += dt_us;
	c->wsum_dt_us -= s->dt_us;
	s->dt_us = dt_us;
}


/* Learn the baseline over the first baseline_samples valid samples of each CPU. */
static void learn_baseline(struct mon_cpu *c, int want, uint32_t dt_us)
{
	if (c->base_done || want <= 0 || !c->valid)
		return;
	for (int k = 0; k < SRC_COUNT; k++)
		c->base_sum[k] += c->delta[k];
	c->base_dt_us += dt_us;
	if (++c->base_n < want || !c->base_dt_us)
		return;
	c->base_done = true; /* base_sum and base_dt_us stay as they are from now on */
}

/* Classify the sample and fold it into windows, totals and baselines. */
static void finish_sample(struct monitor *m, uint32_t dt_us)
{
	for (int i = 0; i < m->ncpus; i++) {
		m->cls_in[i].valid = m->cpus[i].valid;
		m->cls_in[i].nohz_full = m->cpus[i].nohz_full;
		memcpy(m->cls_in[i].delta, m->cpus[i].delta, sizeof(m->cls_in[i].delta));
	}
	classify_sample(m->cls_in, m->ncpus, m->cls_out);
	for (int i = 0; i < m->ncpus; i++) {
		struct mon_cpu *c = &m->cpus[i];

		memcpy(c->chan, m->cls_out[i], sizeof(c->chan));
		c->col = m->scratch_col[i];
		c->online = c->col >= 0;
		for (int k = 0; k < SRC_COUNT; k++)
			c->total[k] += c->delta[k];
		if (c->delta[SRC_IRQ]) { /* the scratch becomes the names */
			c->has_irqs = c->irq_len > 0;
			c->irq_cur ^= c->has_irqs;
		}
		push_slot(c, m->pos, c->valid ? dt_us : 0);
		learn_baseline(c, m->baseline_samples, dt_us);
	}
	m->pos = (m->pos + 1) % m->window;
}

/* Start a sample taken at now_ns: a new generation of the seen set, the line count reset. */
static void sample_begin(struct monitor *m, uint64_t now_ns)
{
	m->line = 0;
	m->nrows = 0;
	m->seen_n = 0;
	if (++m->seen_gen == 0) { /* wrapped: old stamps could look current */
		if (m->seen)
			memset(m->seen, 0, m->seen_cap * sizeof(*m->seen));
		m->seen_gen = 1;
	}
	m->dt_ok = m->have_base && now_ns > m->prev_ns && (now_ns - m->prev_ns) / 1000 > 0;
}

/*
 * Free the buffers of rows gone (the slots past the base's rows), and fit
 * the array of rows to them, with room for a few IRQs to come.
 */
static void base_trim(struct monitor *m)
{
	struct mon_base *b = &m->base;
	size_t fit = (size_t)b->nrows + 16;
	struct mon_row *rows;

	for (size_t i = (size_t)b->nrows; i < b->rows_cap; i++) {
		free(b->rows[i].data);
		b->rows[i].data = NULL;
		b->rows[i].cap = 0;
	}
	if (b->rows_cap <= fit + fit / 4)
		return;
	rows = realloc(b->rows, fit * sizeof(*rows));
	if (!rows) /* keep the larger array */
		return;
	b->rows = rows;
	b->rows_cap = fit;
	m->allocs++;
}

/* End a sample: a failure invalidates the base (part of it is already new). */
static int sample_end(struct monitor *m, uint64_t now_ns, int r)
{
	uint64_t dt_ns = now_ns > m->prev_ns ? now_ns - m->prev_ns : 0;
	uint32_t dt_us = dt_ns / 1000 > UINT32_MAX ? UINT32_MAX : (uint32_t)(dt_ns / 1000);
	/* the base changes only once a row was accounted or its rest copied aside */
	bool touched = m->nrows > 0 || m->old.rows;

	base_free(&m->old);
	if (r < 0) {
		if (touched) {
			m->have_base = false;
			m->base.nrows = m->nrows;
		}
		return r;
	}
	m->base.nrows = m->nrows;
	base_trim(m);
	finish_sample(m, m->dt_ok ? dt_us : 0);
	m->base_ncols = m->hdr.ncols;
	m->have_base = true;
	m->prev_ns = now_ns;
	m->samples++;
	return 0;
}

/* One sample from a source. */
static int monitor_run(struct monitor *m, struct mon_src *src, uint64_t now_ns, struct tl_err *e)
{
	int r;

	sample_begin(m, now_ns);
	r = mon_read(m, src, e);
	if (r == 0 && m->seen_n == 0)
		r = tl_err_set(e, EINVAL, "no interrupt rows after the header");
	return sample_end(m, now_ns, r);
}

/*
 * The file's descriptor, at offset 0. On the live system it stays open
 * between samples (procfs regenerates the text on every read from 0, and
 * an open and a close were a sixth of a sample); under a sysroot, where
 * tests replace the file, it is opened each time.
 */
static int mon_open(struct monitor *m, const struct tl_path *p, struct tl_err *e)
{
	if (m->fd >= 0 && lseek(m->fd, 0, SEEK_SET) == 0)
		return m->fd;
	if (m->fd >= 0)
		close(m->fd);
	/* A FIFO put in its place must not stop the daemon's loop: regular files only. */
	m->fd = tl_path_open_regular(p, "/proc/interrupts", e);
	return m->fd;
}

int monitor_sample(struct monitor *m, const struct tl_path *p, uint64_t now_ns, struct tl_err *e)
{
	struct mon_src src = {.fd = mon_open(m, p, e)};
	int r;

	if (src.fd < 0) /* the base is untouched: the next sample still has deltas */
		return src.fd;
	r = monitor_run(m, &src, now_ns, e);
	if (r < 0 || !p->live) {
		close(m->fd);
		m->fd = -1;
	}
	if (r < 0)
		tl_err_prefix(e, "/proc/interrupts: ");
	return r;
}

int monitor_feed(struct monitor *m, const char *text, size_t len, uint64_t now_ns, struct tl_err *e)
{
	struct mon_src src = {.fd = -1, .text = text, .len = len};

	return monitor_run(m, &src, now_ns, e);
}

const struct mon_cpu *monitor_cpu(const struct monitor *m, int cpu)
{
	int lo = 0, hi = m->ncpus - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;

		if (m->cpus[mid].cpu == cpu)
			return &m->cpus[mid];
		if (m->cpus[mid].cpu < cpu)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

size_t monitor_allocs(const struct monitor *m)
{
	return m->allocs + m->hdr.allocs;
}

double mon_cpu_rate(const struct mon_cpu *c, int src)
{
	double secs = (double)c->wsum_dt_us / 1e6;

	return secs > 0 ? (double)c->wsum[src] / secs : 0.0;
}

double mon_cpu_ch_rate(const struct mon_cpu *c, int ch)
{
	double secs = (double)c->wsum_dt_us / 1e6;

	return secs > 0 ? (double)c->wsum_ch[ch] / secs : 0.0;
}

double mon_cpu_baseline(const struct mon_cpu *c, int src)
{
	if (!c->base_done)
		return 0.0;
	return (double)c->base_sum[src] / ((double)c->base_dt_us / 1e6);
}

const char *mon_cpu_irqs(const struct mon_cpu *c)
{
	return c->has_irqs ? c->irq_buf[c->irq_cur] : "";
}

size_t monitor_base_bytes(const struct monitor *m)
{
	size_t n = m->base.rows_cap * sizeof(struct mon_row);

	for (size_t i = 0; i < m->base.rows_cap; i++)
		n += m->base.rows[i].cap;
	return n + 2 * (size_t)m->ncpus * sizeof(uint32_t);
}
