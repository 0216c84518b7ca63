// SPDX-License-Identifier: GPL-2.0-or-later
/* Aggregating attributed IPIs by target, sender, callsite and callback. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ipiagg.h"

int ipiagg_init(struct ipiagg *a, const struct kallsyms *ks, const struct tl_path *p,
		size_t max_entries)
{
	memset(a, 0, sizeof(*a));
	a->ks = ks;
	a->p = p;
	a->max = max_entries ? max_entries : 4096;
	/* A power of two at least twice the cap keeps probes short and never full. */
	a->nslots = 16;
	while (a->nslots < 2 * a->max)
		a->nslots *= 2;
	a->slots = calloc(a->nslots, sizeof(*a->slots));
	return a->slots ? 0 : -ENOMEM;
}

void ipiagg_free(struct ipiagg *a)
{
	free(a->e);
	free(a->slots);
	memset(a, 0, sizeof(*a));
}

void ipiagg_reset(struct ipiagg *a)
{
	a->n = 0;
	a->total = a->dropped = 0;
	memset(a->slots, 0, a->nslots * sizeof(*a->slots));
}

/* Mix the key fields; the addresses dominate, so fold their high bits in. */
static size_t ipiagg_hash(const struct ipi_tuple *t)
{
	uint64_t h = 1469598103934665603ull;
	uint64_t k[4] = {(uint64_t)t->target_cpu, (uint64_t)(uint32_t)t->tid, t->callsite,
			 t->callback ^ (uint64_t)(t->class_hint + 1) << 56};

	for (int i = 0; i < 4; i++) {
		h ^= k[i];
		h *= 1099511628211ull;
		h ^= h >> 29;
	}
	return (size_t)h;
}

static bool ipiagg_match(const struct ipiagg_entry *x, const struct ipi_tuple *t)
{
	return x->target_cpu == t->target_cpu && x->who.tid == t->tid &&
	       x->callsite == t->callsite && x->callback == t->callback &&
	       (t->class_hint < 0 || x->cls == (enum ipi_class)t->class_hint);
}

/* Name a new entry once: the sender from /proc, the addresses through kallsyms. */
static void ipiagg_name(struct ipiagg *a, struct ipiagg_entry *x, const struct ipi_tuple *t)
{
	struct tl_err e;

	memset(x, 0, sizeof(*x));
	x->target_cpu = t->target_cpu;
	x->callsite = t->callsite;
	x->callback = t->callback;
	if (t->tid >= 0)
		taskid_read(a->p, t->tid, &x->who, &e);
	else
		x->who.tid = x->who.pid = -1;
	kallsyms_format(a->ks, t->callsite, x->callsite_s, sizeof(x->callsite_s));
	kallsyms_format(a->ks, t->callback, x->callback_s, sizeof(x->callback_s));
	if (t->class_hint >= 0)
		x->cls = (enum ipi_class)t->class_hint;
	else
		x->cls = ipiclass_classify(x->callback_s, x->callsite_s);
}

/* A new entry at the end of the array, or NULL when the cap is reached. */
static struct ipiagg_entry *ipiagg_new(struct ipiagg *a)
{
	if (a->n == a->max)
		return NULL;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 32;
		struct ipiagg_entry *ne;

		if (cap > a->max)
			cap = a->max;
		ne = realloc(a->e, cap * sizeof(*ne));
		if (!ne)
			return NULL;
		a->e = ne;
		a->cap = cap;
	}
	return &a->e[a->n++];
}

/* Count in the per-second slot of the event's time, recycling a slot a lap old. */
static void ipiagg_count(struct ipiagg_entry *x, uint64_t ts_ns)
{
	uint32_t sec = (uint32_t)(ts_ns / 1000000000ull);
	unsigned s = sec % IPIAGG_SLOTS;

	if (x->slot_sec[s] != sec) {
		x->slot_sec[s] = sec;
		x->slot_n[s] = 0;
	}
	x->slot_n[s]++;
	x->count++;
}

int ipiagg_add(struct ipiagg *a, const struct ipi_tuple *t)
{
	size_t mask = a->nslots - 1, i = ipiagg_hash(t) & mask;
	struct ipiagg_entry *x;

	a->total++;
	while (a->slots[i]) {
		x = &a->e[a->slots[i] - 1];
		if (ipiagg_match(x, t)) {
			ipiagg_count(x, t->ts_ns);
			return 0;
		}
		i = (i + 1) & mask;
	}
	x = ipiagg_new(a);
	if (!x) {
		a->dropped++;
		return a->n == a->max ? -ENOSPC : -ENOMEM;
	}
	ipiagg_name(a, x, t);
	a->slots[i] = (uint32_t)a->n;
	ipiagg_count(x, t->ts_ns);
	return 0;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct ipiagg_entry *x = *(const struct ipiagg_entry *const *)pa;
	const struct ipiagg_entry *y = *(const struct ipiagg_entry *const *)pb;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->target_cpu - y->target_cpu;
}

size_t ipiagg_sorted(const struct ipiagg *a, const struct ipiagg_entry **out, size_t n)
{
	const struct ipiagg_entry **all;
	size_t k = a->n < n ? a->n : n;

	all = malloc((a->n + 1) * sizeof(*all));
	if (!all)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		all[i] = &a->e[i];
	qsort(all, a->n, sizeof(*all), entry_cmp);
	memcpy(out, all, k * sizeof(*out));
	free(all);
	return k;
}

/* IPIs of one entry in the seconds (now - window, now]. */
static uint64_t entry_window(const struct ipiagg_entry *x, uint32_t now_s, unsigned window_s)
{
	uint64_t sum = 0;

	for (unsigned s = 0; s < IPIAGG_SLOTS; s++)
		if (x->slot_n[s] && now_s - x->slot_sec[s] < window_s)
			sum += x->slot_n[s];
	return sum;
}

/* Fold x into the output list: same sender thread, callsite and callback add up. */
static size_t top_fold(struct ipi_sender *out, size_t k, const struct ipiagg_entry *x, uint64_t cnt)
{
	for (size_t i = 0; i < k; i++) {
		if (out[i].tid == x->who.tid && !strcmp(out[i].callsite, x->callsite_s) &&
		    !strcmp(out[i].callback, x->callback_s) && out[i].cls == x->cls) {
			out[i].count += cnt;
			if (out[i].target_cpu != x->target_cpu)
				out[i].target_cpu = -1;
			return k;
		}
	}
	memset(&out[k], 0, sizeof(out[k]));
	out[k].pid = x->who.pid;
	out[k].tid = x->who.tid;
	out[k].target_cpu = x->target_cpu;
	memcpy(out[k].comm, x->who.comm, sizeof(out[k].comm));
	memcpy(out[k].unit, x->who.unit, sizeof(out[k].unit));
	memcpy(out[k].callsite, x->callsite_s, sizeof(out[k].callsite));
	memcpy(out[k].callback, x->callback_s, sizeof(out[k].callback));
	out[k].cls = x->cls;
	out[k].count = cnt;
	return k + 1;
}

static int sender_cmp(const void *pa, const void *pb)
{
	const struct ipi_sender *x = pa, *y = pb;

	return x->count == y->count ? 0 : x->count > y->count ? -1 : 1;
}

size_t ipiagg_top(const struct ipiagg *a, uint64_t now_ns, unsigned window_s, unsigned class_mask,
		  int cpu, struct ipi_sender *out, size_t n)
{
	uint32_t now_s = (uint32_t)(now_ns / 1000000000ull);
	struct ipi_sender *all;
	size_t k = 0;

	if (n == 0 || a->n == 0)
		return 0;
	all = malloc(a->n * sizeof(*all));
	if (!all)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		const struct ipiagg_entry *x = &a->e[i];
		uint64_t cnt;

		if (!(class_mask & IPI_CLASS_BIT(x->cls)) || (cpu >= 0 && x->target_cpu != cpu))
			continue;
		cnt = entry_window(x, now_s, window_s);
		if (cnt)
			k = top_fold(all, k, x, cnt);
	}
	qsort(all, k, sizeof(*all), sender_cmp);
	if (k > n)
		k = n;
	memcpy(out, all, k * sizeof(*out));
	free(all);
	return k;
}
