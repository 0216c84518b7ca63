// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * make bench: the in-process cost of `tlbisoctl check` (no --sample) on
 * this machine, split into gathering the facts and running the checks:
 * once as the node is (often nothing isolated: the checks stop early), and
 * once with the last online CPU isolated (--cpus), so every check does its
 * work. argv[1] = sysroot, argv[2] = an isolated-CPU list to use instead.
 * Prints figures; asserts nothing. Process start-up (exec, dynamic linking)
 * is not included: measure it from the shell with perf stat if wanted.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "facts.h"

#define RUNS 20

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Mean cost of RUNS gather+check rounds; returns non-zero on error. */
static int bench(const struct tl_path *p, const struct cpuset *cpus, const char *label)
{
	struct check_options o = {.cpus = cpus};
	double t0, t1, gather = 0, run = 0;
	struct cpuid_source src;
	struct check_report r;
	struct tl_facts f;
	struct tl_err e;

	cpuid_source_for_path(&src, p);
	for (int i = 0; i < RUNS; i++) {
		t0 = now_ms();
		if (facts_gather(&f, p, &src, &e) < 0)
			goto fail;
		t1 = now_ms();
		if (check_run(&f, p, &o, &r, &e) < 0) {
			facts_free(&f);
			goto fail;
		}
		gather += t1 - t0;
		run += now_ms() - t1;
		check_report_free(&r);
		facts_free(&f);
	}
	printf("check on %s, %s: facts_gather %.2f ms + check_run %.2f ms = %.2f ms (mean of %d)\n",
	       p->root, label, gather / RUNS, run / RUNS, (gather + run) / RUNS, RUNS);
	return 0;
fail:
	fprintf(stderr, "bench-check: %s\n", e.msg);
	return 1;
}

int main(int argc, char **argv)
{
	const char *root = argc > 1 ? argv[1] : "/";
	struct cpuset cpus;
	struct tl_path p;
	struct tl_err e;
	char list[48], label[64];
	int rc;

	if (tl_path_init(&p, root, &e) < 0) {
		fprintf(stderr, "bench-check: %s\n", e.msg);
		return 1;
	}
	cpuset_zero(&cpus);
	if (argc > 2 && cpulist_parse(argv[2], &cpus, &e) < 0) {
		fprintf(stderr, "bench-check: %s\n", e.msg);
		return 1;
	}
	if (argc <= 2)
		cpuset_set(&cpus, (int)sysconf(_SC_NPROCESSORS_ONLN) - 1);
	rc = argc > 2 ? 0 : bench(&p, NULL, "isolated set as configured");
	cpulist_format(&cpus, list, sizeof(list));
	snprintf(label, sizeof(label), "--cpus %s", list);
	if (!rc)
		rc = bench(&p, &cpus, label);
	tl_path_fini(&p);
	return rc;
}
