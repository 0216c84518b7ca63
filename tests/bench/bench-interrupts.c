// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "make bench": throughput of the /proc/interrupts parser on a synthetic
 * 1024-CPU file and on this machine's own file, and allocations per
 * steady-state sample. Prints figures; asserts nothing about speed.
 * Times are this thread's CPU time (one core), medians of many samples.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gen-interrupts.h"
#include "interrupts.h"

#define BENCH_SAMPLES 301

/*
 * CPU time of this thread: on a shared machine the wall clock also counts the
 * time other processes held the core, which says nothing about the parser.
 */
static double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* qsort() order for the samples, to take the median. */
static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Every allocation the table made: its arrays and its text buffer. */
static size_t bench_allocs(const struct irq_table *t)
{
	return t->allocs + t->raw.grows;
}

/* Counters in a parsed table: per-CPU rows times columns, plus global rows. */
static size_t bench_counters(const struct irq_table *t)
{
	size_t n = 0;

	for (int i = 0; i < t->nrows; i++)
		n += t->rows[i].global ? 1 : (size_t)t->ncols;
	return n;
}

/* One figure block: median throughput, cost per counter, allocations per sample. */
static void bench_report(const char *what, const struct irq_table *t, size_t bytes, double *ns,
			 int samples, size_t allocs)
{
	double med;

	qsort(ns, (size_t)samples, sizeof(*ns), bench_cmp);
	med = ns[samples / 2];
	printf("%s: %zu bytes, %d cpus, %d rows\n", what, bytes, t->ncols, t->nrows);
	printf("    median %.1f us  %.0f MB/s  %.2f ns/counter   (best %.0f MB/s)"
	       "   allocations per sample %.2f\n",
	       med / 1e3, (double)bytes / med * 1e3, med / (double)bench_counters(t),
	       (double)bytes / ns[0] * 1e3, (double)allocs / samples);
}

/*
 * Parse-only: two texts of the same shape, different numbers, copied into the
 * table's raw buffer outside the timing and parsed in place, as
 * irq_table_read() does after its read().
 */
static int bench_parse(const char *what, struct tl_buf *a, struct tl_buf *b, int samples)
{
	struct irq_table t;
	struct tl_err e;
	double *ns = calloc((size_t)samples, sizeof(*ns));
	size_t before = 0;

	irq_table_init(&t);
	for (int i = 0; i < samples + 2; i++) {
		struct tl_buf *src = (i & 1) ? b : a;
		double t0;

		if (i == 2)
			before = bench_allocs(&t);
		tl_buf_reserve(&t.raw, src->len + 16);
		memcpy(t.raw.data, src->data, src->len + 1);
		t.raw.len = src->len;
		t0 = bench_now_ns();
		if (irq_table_parse(&t, t.raw.data, t.raw.len, &e) < 0) {
			fprintf(stderr, "%s: %s\n", what, e.msg);
			return 1;
		}
		if (i >= 2)
			ns[i - 2] = bench_now_ns() - t0;
	}
	bench_report(what, &t, a->len, ns, samples, bench_allocs(&t) - before);
	irq_table_free(&t);
	free(ns);
	return 0;
}

/* Read and parse through a path context: what one daemon sample costs. */
static int bench_read(const char *what, const char *root, int samples)
{
	struct irq_table t;
	struct tl_path p;
	struct tl_err e;
	double *ns = calloc((size_t)samples, sizeof(*ns));
	size_t before = 0;

	irq_table_init(&t);
	if (tl_path_init(&p, root, &e) < 0) {
		fprintf(stderr, "%s: %s\n", what, e.msg);
		return 1;
	}
	for (int i = 0; i < samples + 2; i++) {
		double t0 = bench_now_ns();

		if (i == 2)
			before = bench_allocs(&t);
		if (irq_table_read(&t, &p, &e) < 0) {
			fprintf(stderr, "%s: %s\n", what, e.msg);
			return 1;
		}
		if (i >= 2)
			ns[i - 2] = bench_now_ns() - t0;
	}
	bench_report(what, &t, t.raw.len, ns, samples, bench_allocs(&t) - before);
	irq_table_free(&t);
	tl_path_fini(&p);
	free(ns);
	return 0;
}

/* Put the synthetic file in a temporary sysroot so the read path can be timed too. */
static int bench_sysroot(char *dir, const struct tl_buf *text)
{
	char path[256];
	FILE *f;

	strcpy(dir, "/tmp/tlbiso-bench-XXXXXX");
	if (!mkdtemp(dir))
		return -errno;
	snprintf(path, sizeof(path), "%s/proc", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/proc/interrupts", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fwrite(text->data, 1, text->len, f);
	fclose(f);
	return 0;
}

/* Remove what bench_sysroot() made, file by file (no shell). */
static void bench_rm_sysroot(const char *dir)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/proc/interrupts", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/proc", dir);
	rmdir(path);
	rmdir(dir);
}

int main(void)
{
	struct gen_irq_opts o = {.ncpus = 1024, .offline_cpu = -1, .nirqs = 280, .seed = 1};
	struct tl_buf a = {0}, b = {0}, live = {0};
	struct tl_path p;
	struct tl_err e;
	char dir[64];
	int r = 0;

	if (gen_interrupts(&a, &o) < 0 || (o.seed = 2, gen_interrupts(&b, &o)) < 0)
		return 1;
	printf("tlbiso /proc/interrupts parser, %d samples each, median\n", BENCH_SAMPLES);
	r |= bench_parse("synthetic 1024 cpus, parse", &a, &b, BENCH_SAMPLES);
	if (bench_sysroot(dir, &a) == 0) {
		r |= bench_read("synthetic 1024 cpus, read+parse", dir, BENCH_SAMPLES);
		bench_rm_sysroot(dir);
	}
	if (tl_path_init(&p, "/", &e) == 0 &&
	    tl_path_read_buf(&p, "/proc/interrupts", &live, &e) == 0) {
		r |= bench_parse("this machine, parse", &live, &live, 20 * BENCH_SAMPLES);
		r |= bench_read("this machine, read+parse", "/", 20 * BENCH_SAMPLES);
		tl_path_fini(&p);
	}
	tl_buf_free(&a);
	tl_buf_free(&b);
	tl_buf_free(&live);
	return r;
}
