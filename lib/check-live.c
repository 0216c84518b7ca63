// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Live checks (--sample SECONDS): the interrupts that actually reach the
 * isolated CPUs over a window, from two reads of /proc/interrupts. Reading
 * /proc/interrupts sends no IPI; we still move ourselves to the housekeeping
 * CPUs first, so that our own wake-ups do not land on an isolated CPU.
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "check-impl.h"

/* Default thresholds in events/s per CPU, indexed like enum tl_source in conf.h. */
enum { LV_TLB, LV_CAL, LV_RES, LV_LOC, LV_IWI, LV_IRQ };
static const double default_threshold[] = {1.0, 1.0, 1.0, 2.0, 1.0, 1.0}; /* as conf_defaults() */

/* Keep our own sampling off the isolated CPUs. */
static void pin_housekeeping(const struct check_ctx *c)
{
	cpu_set_t set;

	if (cpuset_empty(c->housekeeping))
		return;
	cpuset_to_glibc(c->housekeeping, &set, sizeof(set));
	sched_setaffinity(0, sizeof(set), &set);
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleep the whole window, resuming after signals. */
static void sleep_seconds(int s)
{
	struct timespec ts = {.tv_sec = s};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Take the two samples once, for all the interrupts.* checks. */
static int take_sample(struct check_ctx *c)
{
	struct tl_err e = {0};
	double t0;

	if (c->sample_tried)
		return c->sample_rc;
	c->sample_tried = true;
	irq_table_init(&c->before);
	irq_table_init(&c->after);
	pin_housekeeping(c);
	t0 = now_seconds();
	c->sample_rc = irq_table_read(&c->before, c->p, &e);
	if (c->sample_rc == 0) {
		sleep_seconds(c->o->sample_seconds);
		c->sample_rc = irq_table_read(&c->after, c->p, &e);
	}
	c->seconds = now_seconds() - t0;
	if (c->sample_rc < 0)
		snprintf(c->sample_err, sizeof(c->sample_err), "%s", e.msg);
	return c->sample_rc;
}

/* Events on one CPU over the window: one named row, or the sum of numbered IRQs. */
static bool cpu_delta(const struct check_ctx *c, const char *row, int cpu, uint64_t *out)
{
	uint32_t a, b;

	*out = 0;
	if (irq_table_col(&c->before, cpu) < 0 || irq_table_col(&c->after, cpu) < 0)
		return false;
	for (int i = 0; i < c->after.nrows; i++) {
		const struct irq_row *ra = &c->after.rows[i], *rb;

		if (ra->global || (row ? strcmp(ra->name, row) || ra->occurrence : !ra->numbered))
			continue;
		rb = irq_table_find(&c->before, ra->name);
		if (!rb || rb->global) /* an IRQ that appeared during the window: count from 0 */
			a = 0;
		else if (!irq_row_count(&c->before, rb, cpu, &a))
			continue;
		if (!irq_row_count(&c->after, ra, cpu, &b))
			continue;
		*out += irq_delta(a, b);
	}
	return true;
}

/* Rate per isolated CPU for one source, judged against its threshold. */
static void live_rates(struct check_ctx *c, struct check_result *r, const char *row, int src,
		       enum check_status over, const char *remedy)
{
	double thr = c->o->thresholds ? c->o->thresholds[src] : default_threshold[src];
	json_object *rates;
	char worst_cpu[16] = "", key[16];
	double worst = -1;
	uint64_t d;
	int cpu;

	if (!c->p->live) {
		check_set(r, CHECK_SKIP, "live check: not run on a sysroot");
		return;
	}
	if (check_need_isolated(c, r))
		return;
	if (take_sample(c) < 0) {
		check_set(r, CHECK_SKIP, "cannot sample /proc/interrupts: %s", c->sample_err);
		return;
	}
	if (row && !irq_table_find(&c->after, row)) {
		check_set(r, CHECK_SKIP, "no %s row in /proc/interrupts on this architecture", row);
		return;
	}
	rates = json_object_new_object();
	cpuset_for_each(cpu, c->isolated)
	{
		snprintf(key, sizeof(key), "%d", cpu);
		if (!cpu_delta(c, row, cpu, &d)) {
			json_object_object_add(rates, key, NULL); /* offline: no column */
			continue;
		}
		json_object_object_add(rates, key, json_object_new_double((double)d / c->seconds));
		if ((double)d / c->seconds > worst) {
			worst = (double)d / c->seconds;
			snprintf(worst_cpu, sizeof(worst_cpu), "%d", cpu);
		}
	}
	ev_double(r, "seconds", c->seconds);
	ev_double(r, "threshold", thr);
	ev_obj(r, "rates", rates);
	if (worst < 0) {
		check_set(r, CHECK_SKIP, "no isolated CPU is online");
		return;
	}
	if (worst <= thr) {
		check_set(r, CHECK_PASS, "%s: at most %.2f/s per isolated CPU (threshold %.2f/s)",
			  row ? row : "device IRQs", worst, thr);
		return;
	}
	check_set(r, over, "%s: %.2f/s on CPU %s (threshold %.2f/s)", row ? row : "device IRQs",
		  worst, worst_cpu, thr);
	check_remedy(r, "%s", remedy);
}

/* TLB shootdowns: user-mm flushes reaching isolated CPUs. */
static void chk_live_tlb(struct check_ctx *c, struct check_result *r)
{
	live_rates(c, r, "TLB", LV_TLB, CHECK_FAIL,
		   "keep each process either wholly on isolated CPUs or off them: its threads "
		   "on housekeeping CPUs shoot down its TLB entries on the isolated ones "
		   "(taskset -a -p -c LIST PID)");
}

/* Function-call IPIs: where kernel-range TLB flushes (vmalloc) show up. */
static void chk_live_cal(struct check_ctx *c, struct check_result *r)
{
	live_rates(c, r, "CAL", LV_CAL, CHECK_FAIL,
		   "fix what tlb.deferral reports (vmalloc TLB flushes arrive as CAL), then find "
		   "the remaining senders with the ipi:ipi_send_cpumask tracepoint");
}

static void chk_live_res(struct check_ctx *c, struct check_result *r)
{
	live_rates(c, r, "RES", LV_RES, CHECK_WARN,
		   "run one task per isolated CPU; move other tasks off them (isolcpus=domain)");
}

/* Local timer: a nohz_full CPU running one task keeps about 1 tick/s. */
static void chk_live_loc(struct check_ctx *c, struct check_result *r)
{
	live_rates(c, r, "LOC", LV_LOC, CHECK_WARN,
		   "nohz_full= on the isolated CPUs, with one runnable task each");
}

/* Device IRQs (numbered rows) summed per CPU. */
static void chk_live_irq(struct check_ctx *c, struct check_result *r)
{
	live_rates(c, r, NULL, LV_IRQ, CHECK_WARN,
		   "move the device IRQs irq.affinity lists to housekeeping CPUs");
}

const struct check_def check_defs_live[] = {
	{"interrupts.tlb", chk_live_tlb, true}, {"interrupts.cal", chk_live_cal, true},
	{"interrupts.res", chk_live_res, true}, {"interrupts.loc", chk_live_loc, true},
	{"interrupts.irq", chk_live_irq, true}, {NULL, NULL, false},
};
