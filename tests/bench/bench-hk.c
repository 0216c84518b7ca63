// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "make bench": the cost of the housekeeping drift check (hk_tick, run every
 * interval by the daemon) and of a full apply + restore, on a synthetic
 * sysroot with 1024 IRQs. Prints figures (medians of this thread's CPU time);
 * asserts nothing about speed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "housekeeping.h"

#define NIRQ  1024
#define TICKS 51

/* CPU time of this thread, so other load on a shared machine does not count. */
static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Write a file under root, creating its directory. */
static void put(const char *root, const char *rel, const char *text)
{
	char path[512], dir[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	for (char *c = dir + strlen(root) + 1; *c; c++)
		if (*c == '/') {
			*c = '\0';
			mkdir(dir, 0755);
			*c = '/';
		}
	mkdir(dir, 0755);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		exit(1);
}

/* 4 CPUs, NIRQ IRQs with names in /proc/interrupts, the sysctls. */
static void make_root(const char *root)
{
	char rel[64], line[128];
	FILE *f;

	mkdir(root, 0755);
	put(root, "proc/sys/kernel/random/boot_id", "bench\n");
	put(root, "proc/irq/default_smp_affinity", "f\n");
	put(root, "proc/sys/vm/stat_interval", "1\n");
	put(root, "sys/devices/system/cpu/possible", "0-3\n");
	snprintf(line, sizeof(line), "%s/proc/interrupts", root);
	f = fopen(line, "w");
	if (!f)
		exit(1);
	fputs("           CPU0       CPU1       CPU2       CPU3\n", f);
	for (int i = 0; i < NIRQ; i++) {
		snprintf(rel, sizeof(rel), "proc/irq/%d/smp_affinity_list", 32 + i);
		put(root, rel, "0-3\n");
		fprintf(f,
			"%4d:          0          0          0          0   PCI-MSI %d-edge      "
			"dev%d\n",
			32 + i, i, i);
	}
	fclose(f);
}

int main(void)
{
	char root[] = "/tmp/tlbiso-bench-hk-XXXXXX", run[64], cmd[128];
	struct hk_state st = {0};
	struct hk_report rep = {0};
	struct hk_config conf;
	struct cpuset iso, hk;
	struct tl_path p;
	struct tl_err e;
	double t[TICKS], t0, apply, stop;

	if (!mkdtemp(root))
		return 1;
	make_root(root);
	snprintf(run, sizeof(run), "%s/run", root);
	mkdir(run, 0700);
	hk_config_defaults(&conf);
	conf.apply = true;
	conf.kthreads = false;
	cpulist_parse("2-3", &iso, NULL);
	cpulist_parse("0-1", &hk, NULL);
	if (tl_path_init(&p, root, &e) < 0)
		return 1;
	t0 = now_ns();
	if (hk_start(&st, &conf, &p, &iso, &hk, run, &rep, &e) < 0)
		return fprintf(stderr, "%s\n", e.msg), 1;
	apply = now_ns() - t0;
	for (int i = 0; i < TICKS; i++) {
		hk_report_reset(&rep);
		t0 = now_ns();
		hk_tick(&st, &rep);
		t[i] = now_ns() - t0;
	}
	qsort(t, TICKS, sizeof(t[0]), cmp_double);
	t0 = now_ns();
	hk_stop(&st, &rep);
	stop = now_ns() - t0;
	printf("hk apply, %d IRQs (journaled, fsync per record): %.1f ms CPU\n", NIRQ, apply / 1e6);
	printf("hk_tick drift check, %d IRQs, nothing drifted: median %.2f ms CPU per interval\n",
	       NIRQ, t[TICKS / 2] / 1e6);
	printf("hk_stop restore, %d IRQs: %.1f ms CPU\n", NIRQ, stop / 1e6);
	hk_report_free(&rep);
	tl_path_fini(&p);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : 1;
}
