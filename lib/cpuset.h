/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fixed-size CPU bitmap, and the kernel's two text forms of it:
 * the cpulist ("0-3,8", "0-15:2/4") and the comma-grouped hex mask
 * ("ff,ffffffff", as in /proc/irq/N/smp_affinity).
 *
 * Fixed size (TL_MAX_CPUS) keeps sets plain values: no allocation, copyable
 * with "=", comparable with cpuset_equal(). 8192 matches the largest
 * NR_CPUS distributions ship.
 */
#ifndef TLBISO_CPUSET_H
#define TLBISO_CPUSET_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define TL_MAX_CPUS 8192
#define TL_CPUSET_WORDS (TL_MAX_CPUS / (8 * sizeof(unsigned long)))

struct cpuset {
	unsigned long bits[TL_CPUSET_WORDS];
};

void cpuset_zero(struct cpuset *s);
void cpuset_set(struct cpuset *s, int cpu);
void cpuset_clear(struct cpuset *s, int cpu);
bool cpuset_isset(const struct cpuset *s, int cpu);
int cpuset_count(const struct cpuset *s);
bool cpuset_empty(const struct cpuset *s);
bool cpuset_equal(const struct cpuset *a, const struct cpuset *b);
bool cpuset_intersects(const struct cpuset *a, const struct cpuset *b);
bool cpuset_subset(const struct cpuset *sub, const struct cpuset *super);
void cpuset_and(struct cpuset *dst, const struct cpuset *a, const struct cpuset *b);
void cpuset_or(struct cpuset *dst, const struct cpuset *a, const struct cpuset *b);
void cpuset_andnot(struct cpuset *dst, const struct cpuset *a, const struct cpuset *b);

/* Next set CPU at or after cpu, or -1. Iterate: for (c = cpuset_next(s, 0); c >= 0; c = cpuset_next(s, c + 1)) */
int cpuset_next(const struct cpuset *s, int cpu);
#define cpuset_for_each(cpu, s) for ((cpu) = cpuset_next((s), 0); (cpu) >= 0; (cpu) = cpuset_next((s), (cpu) + 1))

/* Parse a cpulist. Empty (or all-blank) text gives an empty set. */
int cpulist_parse(const char *text, struct cpuset *s, struct tl_err *e);

/* Parse a hex mask, 32-bit groups separated by commas, most significant first. */
int cpumask_parse(const char *text, struct cpuset *s, struct tl_err *e);

/* Format as a cpulist ("0-3,8"); "" for an empty set. Returns -ENOSPC if out is too small. */
int cpulist_format(const struct cpuset *s, char *out, size_t outsz);

/* Format as a hex mask wide enough for nr_cpus CPUs ("ff,ffffffff"). */
int cpumask_format(const struct cpuset *s, int nr_cpus, char *out, size_t outsz);

/* Convert to and from glibc's cpu_set_t (for sched_setaffinity). */
void cpuset_to_glibc(const struct cpuset *s, cpu_set_t *out, size_t setsize);
void cpuset_from_glibc(struct cpuset *s, const cpu_set_t *in, size_t setsize);

#endif
