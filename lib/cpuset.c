// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"

#define BITS_PER_WORD (8 * sizeof(unsigned long))

void cpuset_zero(struct cpuset *s)
{
	memset(s, 0, sizeof(*s));
}

void cpuset_set(struct cpuset *s, int cpu)
{
	if (cpu >= 0 && cpu < TL_MAX_CPUS)
		s->bits[cpu / BITS_PER_WORD] |= 1UL << (cpu % BITS_PER_WORD);
}

void cpuset_clear(struct cpuset *s, int cpu)
{
	if (cpu >= 0 && cpu < TL_MAX_CPUS)
		s->bits[cpu / BITS_PER_WORD] &= ~(1UL << (cpu % BITS_PER_WORD));
}

bool cpuset_isset(const struct cpuset *s, int cpu)
{
	if (cpu < 0 || cpu >= TL_MAX_CPUS)
		return false;
	return s->bits[cpu / BITS_PER_WORD] & (1UL << (cpu % BITS_PER_WORD));
}

int cpuset_count(const struct cpuset *s)
{
	int n = 0;

	for (size_t i = 0; i < TL_CPUSET_WORDS; i++)
		n += __builtin_popcountl(s->bits[i]);
	return n;
}

bool cpuset_empty(const struct cpuset *s)
{
	for (size_t i = 0; i < TL_CPUSET_WORDS; i++)
		if (s->bits[i])
			return false;
	return true;
}

bool cpuset_equal(const struct cpuset *a, const struct cpuset *b)
{
	return memcmp(a->bits, b->bits, sizeof(a->bits)) == 0;
}

bool cpuset_intersects(const struct cpuset *a, const struct cpuset *b)
{
	for (size_t i = 0; i < TL_CPUSET_WORDS; i++)
		if (a->bits[i] & b->bits[i])
			return true;
	return false;
}

bool cpuset_subset(const struct cpuset *sub, const struct cpuset *super)
{
	for (size_t i = 0; i < TL_CPUSET_WORDS; i++)
		if (sub->bits[i] & ~super->bits[i])
			return false;
	return true;
}

void cpuset_and(struct cpuset *dst, const struct cpuset *a, const struct cpuset *b)
{
	for (size_t i = 0; i < TL_CPUSET_WORDS; i++)
		dst->bits[i] = a->bits[i] & b->bits[i];
}

void cpuset_or(struct cpuset *dst, const struct cpuset *a, const struct cpuset *b)
{
	for (size_t i = 0; i < TL_CPUSET_WORDS; i++)
		dst->bits[i] = a->bits[i] | b->bits[i];
}

void cpuset_andnot(struct cpuset *dst, const struct cpuset *a, const struct cpuset *b)
{
	for (size_t i = 0; i < TL_CPUSET_WORDS; i++)
		dst->bits[i] = a->bits[i] & ~b->bits[i];
}

int cpuset_next(const struct cpuset *s, int cpu)
{
	size_t w;
	unsigned long word;

	if (cpu < 0)
		cpu = 0;
	if (cpu >= TL_MAX_CPUS)
		return -1;
	w = (size_t)cpu / BITS_PER_WORD;
	word = s->bits[w] & (~0UL << (cpu % BITS_PER_WORD));
	for (;;) {
		if (word)
			return (int)(w * BITS_PER_WORD) + __builtin_ctzl(word);
		if (++w >= TL_CPUSET_WORDS)
			return -1;
		word = s->bits[w];
	}
}

/* Parse a decimal CPU number, rejecting signs, overflow and CPUs past TL_MAX_CPUS. */
static int parse_cpu(const char **pp, int *cpu)
{
	const char *p = *pp;
	long v = 0;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (*p++ - '0');
		if (v >= TL_MAX_CPUS)
			return -ERANGE;
	}
	*cpu = (int)v;
	*pp = p;
	return 0;
}

/* One element: "N", "A-B" or "A-B:used/group" (bitmap_parselist's stride form). */
static int parse_element(const char **pp, struct cpuset *s)
{
	int a, b, used = 1, group = 1, r;

	if ((r = parse_cpu(pp, &a)) < 0)
		return r;
	b = a;
	if (**pp == '-') {
		(*pp)++;
		if ((r = parse_cpu(pp, &b)) < 0)
			return r;
		if (b < a)
			return -EINVAL;
		if (**pp == ':') {
			(*pp)++;
			if ((r = parse_cpu(pp, &used)) < 0 || **pp != '/')
				return r < 0 ? r : -EINVAL;
			(*pp)++;
			if ((r = parse_cpu(pp, &group)) < 0)
				return r;
			if (used == 0 || group == 0 || used > group)
				return -EINVAL;
		}
	}
	for (int c = a; c <= b; c++)
		if ((c - a) % group < used)
			cpuset_set(s, c);
	return 0;
}

int cpulist_parse(const char *text, struct cpuset *s, struct tl_err *e)
{
	const char *p = text;
	int r;

	cpuset_zero(s);
	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return 0;
	for (;;) {
		const char *start = p;

		r = parse_element(&p, s);
		if (r < 0)
			return tl_err_set(e, -r, "invalid cpulist \"%s\" at \"%.16s\"%s", text, start,
					  r == -ERANGE ? " (CPU number too large)" : "");
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			return 0;
		if (*p != ',')
			return tl_err_set(e, EINVAL, "invalid cpulist \"%s\" at \"%.16s\"", text, p);
		p++;
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Walk from the last (least significant) digit backwards, skipping group commas. */
int cpumask_parse(const char *text, struct cpuset *s, struct tl_err *e)
{
	size_t len = strlen(text);
	int bit = 0, digits = 0;

	cpuset_zero(s);
	while (len && isspace((unsigned char)text[len - 1]))
		len--;
	if (!len)
		return tl_err_set(e, EINVAL, "empty CPU mask");
	for (size_t i = len; i-- > 0;) {
		int v;

		if (text[i] == ',') {
			if (digits != 8 || i == 0)
				return tl_err_set(e, EINVAL, "invalid CPU mask \"%s\": bad grouping", text);
			digits = 0;
			continue;
		}
		v = hexval(text[i]);
		if (v < 0)
			return tl_err_set(e, EINVAL, "invalid CPU mask \"%s\"", text);
		for (int k = 0; k < 4; k++, bit++)
			if (v & (1 << k)) {
				if (bit >= TL_MAX_CPUS)
					return tl_err_set(e, ERANGE, "CPU mask \"%s\" too wide", text);
				cpuset_set(s, bit);
			}
		if (++digits > 8)
			return tl_err_set(e, EINVAL, "invalid CPU mask \"%s\": group over 32 bits", text);
	}
	return 0;
}

int cpulist_format(const struct cpuset *s, char *out, size_t outsz)
{
	size_t off = 0;
	int cpu = cpuset_next(s, 0);

	if (outsz == 0)
		return -ENOSPC;
	out[0] = '\0';
	while (cpu >= 0) {
		int end = cpu;
		int n;

		while (cpuset_isset(s, end + 1))
			end++;
		if (end == cpu)
			n = snprintf(out + off, outsz - off, "%s%d", off ? "," : "", cpu);
		else
			n = snprintf(out + off, outsz - off, "%s%d-%d", off ? "," : "", cpu, end);
		if (n < 0 || (size_t)n >= outsz - off)
			return -ENOSPC;
		off += (size_t)n;
		cpu = cpuset_next(s, end + 1);
	}
	return 0;
}

int cpumask_format(const struct cpuset *s, int nr_cpus, char *out, size_t outsz)
{
	int groups = (nr_cpus + 31) / 32;
	size_t off = 0;

	if (groups < 1)
		groups = 1;
	for (int g = groups - 1; g >= 0; g--) {
		unsigned int v = 0;
		int n;

		for (int k = 0; k < 32; k++)
			if (cpuset_isset(s, g * 32 + k))
				v |= 1U << k;
		n = snprintf(out + off, outsz - off, "%s%08x", off ? "," : "", v);
		if (n < 0 || (size_t)n >= outsz - off)
			return -ENOSPC;
		off += (size_t)n;
	}
	return 0;
}

void cpuset_to_glibc(const struct cpuset *s, cpu_set_t *out, size_t setsize)
{
	int cpu;

	CPU_ZERO_S(setsize, out);
	cpuset_for_each(cpu, s)
		if ((size_t)cpu < setsize * 8)
			CPU_SET_S((size_t)cpu, setsize, out);
}

void cpuset_from_glibc(struct cpuset *s, const cpu_set_t *in, size_t setsize)
{
	cpuset_zero(s);
	for (size_t c = 0; c < setsize * 8 && c < TL_MAX_CPUS; c++)
		if (CPU_ISSET_S(c, setsize, in))
			cpuset_set(s, (int)c);
}
