// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irqinfo.h"

/*
 * Split a numbered row's description into chip and actions. The kernel
 * prints " %8s" chip, hwirq (and on some arches " %-8s" Level/Edge), an
 * optional "-%-8s" handler name, then "  action, action". The actions are
 * therefore what follows the first run of two or more blanks after the
 * hwirq token.
 */
static void split_desc(const char *d, size_t len, struct irq_affinity *a)
{
	size_t i = 0, tok = 0, act = len;

	while (i < len && tok < 2) {
		while (i < len && d[i] == ' ')
			i++;
		if (i < len)
			tok++;
		while (i < len && d[i] != ' ')
			i++;
	}
	for (; i + 1 < len; i++)
		if (d[i] == ' ' && d[i + 1] == ' ') {
			while (i < len && d[i] == ' ')
				i++;
			act = i;
			break;
		}
	snprintf(a->name, sizeof(a->name), "%.*s", (int)(len - act), d + act);
	while (act > 0 && d[act - 1] == ' ')
		act--;
	snprintf(a->chip, sizeof(a->chip), "%.*s", (int)act, d);
}

static int list_push(struct irq_affinity_list *l, struct irq_affinity **out)
{
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 64;
		struct irq_affinity *p = realloc(l->items, (size_t)cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		l->items = p;
		l->cap = cap;
	}
	*out = &l->items[l->n++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

/* Read one IRQ; -ENOENT means it vanished meanwhile and is simply skipped. */
static int read_one(const struct tl_path *p, int irq, struct irq_affinity *a, struct tl_err *e)
{
	char path[96];
	int r;

	a->irq = irq;
	snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity_list", irq);
	r = tl_path_read_cpulist(p, path, &a->requested, e);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "/proc/irq/%d/effective_affinity_list", irq);
	a->has_effective = tl_path_read_cpulist(p, path, &a->effective, NULL) == 0;
	if (!a->has_effective)
		a->effective = a->requested;
	return 0;
}

static void name_from_table(const struct irq_table *irqs, struct irq_affinity *a)
{
	char num[16];
	const struct irq_row *row;

	if (!irqs)
		return;
	snprintf(num, sizeof(num), "%d", a->irq);
	row = irq_table_find(irqs, num);
	if (row && row->desc)
		split_desc(row->desc, row->desc_len, a);
}

static int cmp_irq(const void *a, const void *b)
{
	return ((const struct irq_affinity *)a)->irq - ((const struct irq_affinity *)b)->irq;
}

int irqinfo_read(struct irq_affinity_list *l, const struct tl_path *p, const struct irq_table *irqs,
		 struct tl_err *e)
{
	struct irq_affinity *a;
	struct dirent *de;
	DIR *d;
	int r = 0;

	l->n = 0;
	d = tl_path_opendir(p, "/proc/irq");
	if (!d)
		return tl_err_sys(e, errno, "cannot list /proc/irq");
	while ((de = readdir(d))) {
		char *end;
		long irq = strtol(de->d_name, &end, 10);

		if (!isdigit((unsigned char)de->d_name[0]) || *end || irq > 1000000)
			continue;
		if ((r = list_push(l, &a)) < 0)
			break;
		if (read_one(p, (int)irq, a, NULL) < 0) {
			l->n--;
			continue;
		}
		name_from_table(irqs, a);
	}
	closedir(d);
	if (r < 0)
		return tl_err_set(e, -r, "out of memory listing /proc/irq");
	/* A dump may hold no IRQ at all, and qsort(NULL, 0) is undefined. */
	if (l->n)
		qsort(l->items, (size_t)l->n, sizeof(*l->items), cmp_irq);
	return 0;
}

void irqinfo_free(struct irq_affinity_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}

int irqinfo_default_affinity(const struct tl_path *p, struct cpuset *out, struct tl_err *e)
{
	char line[4096];
	int r;

	r = tl_path_read_line(p, "/proc/irq/default_smp_affinity", line, sizeof(line), e);
	if (r < 0)
		return r;
	r = cpumask_parse(line, out, e);
	if (r < 0)
		tl_err_prefix(e, "/proc/irq/default_smp_affinity: ");
	return r;
}
