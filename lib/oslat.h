/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running rt-tests' oslat on the isolated CPUs and reading its results.
 *
 * oslat writes JSON with --json=FILE (rt-tests 2.0 and later); older ones
 * only print a text table. Both are parsed. Its quirks: some JSON keys end
 * in a colon ("cmdline:"), and it exits 0 whatever the latency was, so the
 * verdict is always ours to make from the numbers.
 */
#ifndef TLBISO_OSLAT_H
#define TLBISO_OSLAT_H

#include <limits.h>

#include "cpuset.h"
#include "err.h"

struct oslat_cpu {
	int cpu;
	double min_us, avg_us, max_us;
	double duration_s;
};

struct oslat_result {
	int n;
	struct oslat_cpu *cpus; /* n entries, in the order oslat printed them */
	char version[32];	/* "2.40", "" if unknown */
};

void oslat_result_free(struct oslat_result *r);

int oslat_parse_json(const char *text, struct oslat_result *r, struct tl_err *e);
int oslat_parse_text(const char *text, struct oslat_result *r, struct tl_err *e);

/* Find the oslat binary on PATH (or $TLBISO_OSLAT); -ENOENT with a remedy when absent. */
int oslat_find(char *out, size_t outsz, struct tl_err *e);

/*
 * Run oslat on cpus for seconds, its main thread on main_cpu (a housekeeping
 * CPU: the measuring threads must be the only thing on the isolated ones).
 */
int oslat_run(const char *bin, const struct cpuset *cpus, int main_cpu, int seconds,
	      struct oslat_result *r, struct tl_err *e);

#endif
