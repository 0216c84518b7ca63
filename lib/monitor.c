// SPDX-License-Identifier: GPL-2.0-or-later
/* The sampler behind tlbisod: deltas, classification and windowed rates; see monitor.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor.h"

/* Allocate the per-CPU state once, so that sampling never allocates. */
static int mon_alloc(struct monitor *m, int n, int window)
{
	m->cpus = calloc(n ? n : 1, sizeof(*m->cpus));
	m->cls_in = calloc(n ? n : 1, sizeof(*m->cls_in));
	m->cls_out = calloc(n ? n : 1, sizeof(*m->cls_out));
	m->scratch_col = calloc(n ? n : 1, sizeof(int));
	if (!m->cpus || !m->cls_in || !m->cls_out || !m->scratch_col)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		m->cpus[i].ring = calloc(window, sizeof(struct mon_slot));
		if (!m->cpus[i].ring)
			return -ENOMEM;
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
	m->cur = -1;
	irq_table_init(&m->tab[0]);
	irq_table_init(&m->tab[1]);
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

void monitor_free(struct monitor *m)
{
	if (m->cpus)
		for (int i = 0; i < m->ncpus; i++)
			free(m->cpus[i].ring);
	free(m->cpus);
	free(m->cls_in);
	free(m->cls_out);
	free(m->scratch_col);
	irq_table_free(&m->tab[0]);
	irq_table_free(&m->tab[1]);
	memset(m, 0, sizeof(*m));
	m->cur = -1;
}

/* Does the description (not NUL-terminated) start with word? Maps arm's IPIn rows. */
static bool desc_is(const struct irq_row *r, const char *word)
{
	size_t n = strlen(word);

	return r->desc && r->desc_len >= n && !strncmp(r->desc, word, n);
}

/* The source a row feeds, or -1 for rows the monitor does not rate (NMI, ERR...). */
static int row_source(const struct irq_row *r)
{
	static const char *const names[] = {[SRC_TLB] = "TLB",
					    [SRC_CAL] = "CAL",
					    [SRC_RES] = "RES",
					    [SRC_LOC] = "LOC",
					    [SRC_IWI] = "IWI"};

	if (r->global || r->occurrence)
		return -1;
	if (r->numbered)
		return SRC_IRQ;
	for (int s = 0; s < SRC_IRQ; s++)
		if (!strcmp(r->name, names[s]))
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

/* The previous sample's row of the same name: same index first (the usual case), else a lookup. */
static const struct irq_row *prev_row(const struct irq_table *prev, int i, const struct irq_row *r)
{
	const struct irq_row *p;

	if (i < prev->nrows) {
		p = &prev->rows[i];
		if (p->occurrence == r->occurrence && !strcmp(p->name, r->name))
			return p->global ? NULL : p;
	}
	p = irq_table_find_nth(prev, r->name, r->occurrence);
	return p && !p->global ? p : NULL;
}

/* Name a device IRQ that hit a CPU ("24:eth0"), as long as there is room. */
static void note_irq(struct mon_cpu *c, const struct irq_row *r)
{
	size_t n = strlen(c->irq_scratch), dl = r->desc_len;
	const char *d = r->desc, *sp;

	/* the device name is the last word of the description */
	for (sp = d + dl; sp > d && sp[-1] != ' '; sp--)
		;
	dl -= (size_t)(sp - d);
	if (n + strlen(r->name) + dl + 3 >= sizeof(c->irq_scratch))
		return;
	snprintf(c->irq_scratch + n, sizeof(c->irq_scratch) - n, "%s%s%s%.*s", n ? "," : "",
		 r->name, dl ? ":" : "", (int)dl, sp);
}

/* Add one row's deltas to every valid CPU; counters that went back are resets, skipped. */
static void add_row(struct monitor *m, const struct irq_row *r, const struct irq_row *p, int src,
		    const int *prev_cols)
{
	for (int i = 0; i < m->ncpus; i++) {
		struct mon_cpu *c = &m->cpus[i];
		uint32_t d;

		if (!c->valid)
			continue;
		d = irq_delta(p ? p->counts[prev_cols[i]] : 0, r->counts[m->scratch_col[i]]);
		if (d >= MON_RESET_DELTA) {
			c->resets++;
			c->last_resets++;
			continue;
		}
		if (!d)
			continue;
		c->delta[src] = UINT32_MAX - c->delta[src] < d ? UINT32_MAX : c->delta[src] + d;
		if (src == SRC_IRQ)
			note_irq(c, r);
	}
}

/* Find each CPU's column in the new table, and whether it can have a delta this time. */
static void map_columns(struct monitor *m, const struct irq_table *cur, bool have_prev)
{
	int online = 0;

	for (int i = 0; i < m->ncpus; i++) {
		struct mon_cpu *c = &m->cpus[i];

		m->scratch_col[i] = irq_table_col(cur, c->cpu);
		c->valid = have_prev && c->col >= 0 && m->scratch_col[i] >= 0;
		online += m->scratch_col[i] >= 0;
		memset(c->delta, 0, sizeof(c->delta));
		c->last_resets = 0;
		c->irq_scratch[0] = '\0';
	}
	m->online_watched = online;
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

/* Rates over the window; a CPU with no valid sample in it has rate 0. */
static void update_rates(struct mon_cpu *c)
{
	double secs = (double)c->wsum_dt_us / 1e6;

	for (int k = 0; k < SRC_COUNT; k++)
		c->rate[k] = secs > 0 ? (double)c->wsum[k] / secs : 0.0;
	for (int k = 0; k < CH_COUNT; k++)
		c->ch_rate[k] = secs > 0 ? (double)c->wsum_ch[k] / secs : 0.0;
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
	for (int k = 0; k < SRC_COUNT; k++)
		c->baseline[k] = (double)c->base_sum[k] / ((double)c->base_dt_us / 1e6);
	c->base_done = true;
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
		if (c->delta[SRC_IRQ])
			memcpy(c->irq_names, c->irq_scratch, sizeof(c->irq_names));
		push_slot(c, m->pos, c->valid ? dt_us : 0);
		update_rates(c);
		learn_baseline(c, m->baseline_samples, dt_us);
	}
	m->pos = (m->pos + 1) % m->window;
}

/* Account the freshly parsed table nt against the current one, then make it current. */
static void monitor_account(struct monitor *m, int nt, uint64_t now_ns)
{
	const struct irq_table *cur = &m->tab[nt];
	const struct irq_table *prev = m->cur >= 0 ? &m->tab[m->cur] : NULL;
	uint64_t dt_ns = prev && now_ns > m->prev_ns ? now_ns - m->prev_ns : 0;
	uint32_t dt_us = dt_ns / 1000 > UINT32_MAX ? UINT32_MAX : (uint32_t)(dt_ns / 1000);
	int prev_cols[m->ncpus ? m->ncpus : 1];

	for (int i = 0; i < m->ncpus; i++)
		prev_cols[i] = m->cpus[i].col;
	map_columns(m, cur, prev && dt_us > 0);
	for (int i = 0; i < cur->nrows; i++) {
		const struct irq_row *r = &cur->rows[i];
		int src = row_source(r);

		if (src >= 0 && prev)
			add_row(m, r, prev_row(prev, i, r), src, prev_cols);
	}
	finish_sample(m, dt_us);
	m->cur = nt;
	m->prev_ns = now_ns;
	m->samples++;
}

int monitor_sample(struct monitor *m, const struct tl_path *p, uint64_t now_ns, struct tl_err *e)
{
	int nt = m->cur == 0 ? 1 : 0;
	int r = irq_table_read(&m->tab[nt], p, e);

	if (r < 0)
		return r;
	monitor_account(m, nt, now_ns);
	return 0;
}

int monitor_feed(struct monitor *m, const char *text, size_t len, uint64_t now_ns, struct tl_err *e)
{
	int nt = m->cur == 0 ? 1 : 0;
	int r = irq_table_parse(&m->tab[nt], text, len, e);

	if (r < 0)
		return r;
	monitor_account(m, nt, now_ns);
	return 0;
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
	return m->tab[0].allocs + m->tab[1].allocs;
}
