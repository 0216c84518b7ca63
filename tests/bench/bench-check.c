// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * make bench: the in-process cost of `tlbisoctl check` (no --sample) on
 * this machine (argv[1] = sysroot, argv[2] = isolated CPUs), split into gathering the facts and
 * running the checks. Prints figures; asserts nothing. Process start-up (exec, dynamic linking) is
 * not included: measure it with the shell if wanted.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "facts.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	const char *root = argc > 1 ? argv[1] : "/";
	struct cpuset cpus;
	double t0, t1, t2, gather = 0, run = 0;
	struct check_options o = {0};
	struct cpuid_source src;
	struct check_report r;
	struct tl_facts f;
	struct tl_path p;
	struct tl_err e;
	int n = 20;

	if (tl_path_init(&p, root, &e) < 0) {
		fprintf(stderr, "bench-check: %s\n", e.msg);
		return 1;
	}
	cpuid_source_for_path(&src, &p);
	/* An isolated set makes every check do its work, as on a configured node. */
	if (argc > 2 && cpulist_parse(argv[2], &cpus, &e) == 0)
		o.cpus = &cpus;
	for (int i = 0; i < n; i++) {
		t0 = now_ms();
		if (facts_gather(&f, &p, &src, &e) < 0) {
			fprintf(stderr, "bench-check: %s\n", e.msg);
			return 1;
		}
		t1 = now_ms();
		if (check_run(&f, &p, &o, &r, &e) < 0) {
			fprintf(stderr, "bench-check: %s\n", e.msg);
			return 1;
		}
		t2 = now_ms();
		gather += t1 - t0;
		run += t2 - t1;
		check_report_free(&r);
		facts_free(&f);
	}
	printf("check on %s: facts_gather %.2f ms, check_run %.2f ms, total %.2f ms (mean of %d)\n",
	       root, gather / n, run / n, (gather + run) / n, n);
	tl_path_fini(&p);
	return 0;
}
