// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "make bench": the cost of one workload engine tick (the /proc walk that
 * finds intruders and drifted workload threads) on this machine, with an
 * isolated set and one rule, in dry-run ops so nothing is changed. Prints
 * figures; asserts nothing about speed. CPU time of this thread, medians.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "workload-engine.h"

#define BENCH_TICKS 51

/* CPU time of this thread: the wall clock would count other processes too. */
static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Count tasks for the per-task figure. */
static int count_task(const struct task_info *t, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

/* Applying is not measured: a no-op that accepts everything. */
static int nop_aff(void *c, pid_t t, const struct cpuset *s)
{
	return 0;
}

static int nop_sched(void *c, pid_t t, int p, int q)
{
	return 0;
}

static int nop_mig(void *c, pid_t p, const struct cpuset *s)
{
	return 0;
}

int main(void)
{
	static const char *rules_text =
		"workloads = ( { name = \"b\"; match = { comm = \"^no-such-task$\"; }; "
		"cpus = \"1\"; } );";
	const struct wl_ops ops = {nop_aff, nop_sched, nop_mig, NULL};
	struct conf_problems probs = {0};
	struct workload_rules rules;
	struct workload_engine w;
	struct wl_findings f;
	double t[BENCH_TICKS];
	struct cpuset iso;
	struct tl_path p;
	struct tl_err e;
	config_t cfg;
	int tasks = 0;

	config_init(&cfg);
	config_read_string(&cfg, rules_text);
	if (workload_conf_parse(config_lookup(&cfg, "workloads"), &rules, &probs) < 0 ||
	    tl_path_init(&p, "/", &e) < 0)
		return 1;
	cpulist_parse("1", &iso, &e);
	procs_walk(&p, true, count_task, &tasks, &e);
	workload_engine_init(&w, &rules, &p, &iso, &e);
	workload_engine_set_ops(&w, &ops);
	for (int i = 0; i < BENCH_TICKS; i++) {
		double t0 = now_ns();

		f.n = 0;
		workload_engine_tick(&w, &f, &e);
		t[i] = now_ns() - t0;
	}
	qsort(t, BENCH_TICKS, sizeof(t[0]), cmp);
	printf("workload engine tick, this machine (%d tasks, events %s):\n", tasks,
	       workload_engine_fd(&w) >= 0 ? "on" : "off");
	printf("    median %.0f us per tick, %.2f us per task   (best %.0f us, first tick "
	       "includes the full scan)\n",
	       t[BENCH_TICKS / 2] / 1e3, t[BENCH_TICKS / 2] / 1e3 / (tasks ? tasks : 1),
	       t[0] / 1e3);
	workload_engine_free(&w);
	workload_rules_free(&rules);
	config_destroy(&cfg);
	tl_path_fini(&p);
	return 0;
}
