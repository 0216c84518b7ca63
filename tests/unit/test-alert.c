// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The alert state machine and rules on synthetic sample sequences: raised
 * once, cleared once after clear_after quiet samples, the broadcast against a
 * single CPU, deferral_regressed, and the baseline regression.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "alert.h"

#define SEC 1000000000ull

static void set1(struct cpuset *s, int cpu)
{
	cpuset_zero(s);
	cpuset_set(s, cpu);
}

/* Raised once, kept while over, cleared only after clear_after quiet samples. */
static void test_step_hysteresis(void **state)
{
	struct alert a = {0};
	struct cpuset s;

	set1(&s, 2);
	assert_int_equal(alert_step(&a, true, &s, 5, 1, 3, 100), 1);
	assert_true(a.active);
	assert_int_equal(a.since, 100);
	assert_int_equal(alert_step(&a, true, &s, 6, 1, 3, 101), 0);
	assert_int_equal(alert_step(&a, false, &s, 0, 1, 3, 102), 0);
	assert_int_equal(alert_step(&a, false, &s, 0, 1, 3, 103), 0);
	/* over again: the quiet count restarts */
	assert_int_equal(alert_step(&a, true, &s, 2, 1, 3, 104), 0);
	assert_int_equal(alert_step(&a, false, &s, 0, 1, 3, 105), 0);
	assert_int_equal(alert_step(&a, false, &s, 0, 1, 3, 106), 0);
	assert_int_equal(alert_step(&a, false, &s, 0, 1, 3, 107), -1);
	assert_false(a.active);
	assert_int_equal(alert_step(&a, false, &s, 0, 1, 3, 108), 0);
}

/* The CPUs of an active alert accumulate. */
static void test_step_cpus_accumulate(void **state)
{
	struct alert a = {0};
	struct cpuset s;
	char list[16];

	set1(&s, 2);
	alert_step(&a, true, &s, 5, 1, 3, 0);
	set1(&s, 3);
	alert_step(&a, true, &s, 5, 1, 3, 1);
	cpulist_format(&a.cpus, list, sizeof(list));
	assert_string_equal(list, "2-3");
}

/* A fixture: a monitor over CPUs 2-3 driven by a synthetic text, and an engine. */
struct fx {
	struct monitor m;
	struct alert_engine ae;
	struct tl_config c;
	uint32_t cal[4], tlb[4], loc[4];
	uint64_t t;
	struct alert_event ev[ALERT_SLOTS];
	int nev;
	bool deferral;
};

static struct fx fx;

static void step(struct fx *f)
{
	char buf[1024];
	struct tl_err e = {0};
	struct alert_inputs in = {&f->m, &f->c.monitor, f->deferral, (time_t)(f->t / SEC)};
	int n = snprintf(buf, sizeof(buf),
			 "  CPU0 CPU1 CPU2 CPU3\n"
			 "LOC: %u %u %u %u Local timer interrupts\n"
			 "CAL: %u %u %u %u Function call interrupts\n"
			 "TLB: %u %u %u %u TLB shootdowns\n",
			 f->loc[0], f->loc[1], f->loc[2], f->loc[3], f->cal[0], f->cal[1],
			 f->cal[2], f->cal[3], f->tlb[0], f->tlb[1], f->tlb[2], f->tlb[3]);

	f->t += SEC;
	if (monitor_feed(&f->m, buf, (size_t)n, f->t, &e) < 0)
		fail_msg("%s", e.msg);
	f->nev = alerts_evaluate(&f->ae, &in, f->ev, ALERT_SLOTS);
}

static int setup(void **state)
{
	struct cpuset watch;
	struct tl_err e = {0};

	memset(&fx, 0, sizeof(fx));
	conf_defaults(&fx.c);
	fx.c.monitor.window = 1;
	fx.c.monitor.clear_after = 2;
	fx.c.monitor.baseline_samples = 0;
	cpulist_parse("2-3", &watch, &e);
	alert_engine_init(&fx.ae);
	return monitor_init(&fx.m, &watch, &watch, 1, 0, &e);
}

static int teardown(void **state)
{
	monitor_free(&fx.m);
	return 0;
}

/* The event of a given type in the last step, or NULL. */
static const struct alert_event *find_ev(struct fx *f, enum alert_type t)
{
	for (int i = 0; i < f->nev; i++)
		if (f->ev[i].a->type == t)
			return &f->ev[i];
	return NULL;
}

/* User-mm shootdowns on one CPU: tlb_shootdown on exactly that CPU, not a kernel flush. */
static void test_tlb_shootdown_one_cpu(void **state)
{
	struct fx *f = &fx;
	const struct alert_event *ev;
	char list[16];

	step(f);
	f->tlb[2] += 50;
	f->cal[2] += 50;
	step(f);
	ev = find_ev(f, AL_TLB_SHOOTDOWN);
	assert_non_null(ev);
	assert_true(ev->raised);
	assert_int_equal(f->nev, 1);
	cpulist_format(&ev->a->cpus, list, sizeof(list));
	assert_string_equal(list, "2");
	assert_true(ev->a->rate == 50.0);
	assert_int_equal(ev->a->source, SRC_TLB);
	/* quiet: cleared after clear_after (2) samples, once */
	step(f);
	assert_int_equal(f->nev, 0);
	step(f);
	ev = find_ev(f, AL_TLB_SHOOTDOWN);
	assert_non_null(ev);
	assert_false(ev->raised);
	step(f);
	assert_int_equal(f->nev, 0);
	assert_int_equal(f->ae.hist_n, 2);
}

/* CAL on both CPUs: kernel_tlb_flush on both; deferral_regressed only when deferral is expected. */
static void test_broadcast_and_deferral(void **state)
{
	struct fx *f = &fx;
	const struct alert_event *ev;
	char list[16];

	step(f);
	f->cal[2] += 20;
	f->cal[3] += 20;
	step(f);
	ev = find_ev(f, AL_KERNEL_TLB_FLUSH);
	assert_non_null(ev);
	cpulist_format(&ev->a->cpus, list, sizeof(list));
	assert_string_equal(list, "2-3");
	assert_null(find_ev(f, AL_DEFERRAL_REGRESSED));
	assert_null(find_ev(f, AL_IPI_OTHER));
	f->deferral = true;
	f->cal[2] += 20;
	f->cal[3] += 20;
	step(f);
	ev = find_ev(f, AL_DEFERRAL_REGRESSED);
	assert_non_null(ev);
	assert_int_equal(ev->a->severity, SEV_CRITICAL);
	assert_int_equal(alerts_active(&f->ae, SEV_CRITICAL), 1);
}

/* CAL on one CPU only: ipi_other there, no kernel flush. */
static void test_single_cpu_cal_is_ipi_other(void **state)
{
	struct fx *f = &fx;
	const struct alert_event *ev;

	f->deferral = true;
	step(f);
	f->cal[3] += 20;
	step(f);
	ev = find_ev(f, AL_IPI_OTHER);
	assert_non_null(ev);
	assert_int_equal(ev->a->source, SRC_CAL);
	assert_true(cpuset_isset(&ev->a->cpus, 3));
	assert_false(cpuset_isset(&ev->a->cpus, 2));
	assert_null(find_ev(f, AL_KERNEL_TLB_FLUSH));
	assert_null(find_ev(f, AL_DEFERRAL_REGRESSED));
}

/* Under the threshold: nothing; LOC at the 1 Hz residual tick of nohz_full is quiet. */
static void test_under_threshold(void **state)
{
	struct fx *f = &fx;

	step(f);
	for (int i = 0; i < 5; i++) {
		f->loc[2] += 1;
		f->cal[2] += 1;
		f->cal[3] += 1;
		step(f);
		assert_int_equal(f->nev, 0);
	}
	f->loc[2] += 100;
	step(f);
	assert_non_null(find_ev(f, AL_TICK));
}

/* A regression: above baseline * factor and above the threshold, once the baseline is learnt. */
static void test_regression_after_baseline(void **state)
{
	struct fx *f = &fx;
	struct cpuset watch;
	struct tl_err e = {0};

	monitor_free(&f->m);
	cpulist_parse("2-3", &watch, &e);
	f->c.monitor.window = 1;
	f->c.monitor.baseline_factor = 4;
	f->c.monitor.threshold[SRC_LOC] = 2;
	cpuset_zero(&watch);
	cpuset_set(&watch, 2);
	cpuset_set(&watch, 3);
	assert_int_equal(monitor_init(&f->m, &watch, NULL, 1, 3, &e), 0);
	step(f);
	for (int i = 0; i < 3; i++) {
		f->loc[2] += 10; /* a CPU that is not nohz_full: 10/s is its normal tick */
		step(f);
		assert_null(find_ev(f, AL_REGRESSION));
	}
	f->loc[2] += 30; /* 3x: within the factor */
	step(f);
	assert_null(find_ev(f, AL_REGRESSION));
	f->loc[2] += 50; /* 5x: a regression */
	step(f);
	assert_non_null(find_ev(f, AL_REGRESSION));
	assert_int_equal(find_ev(f, AL_REGRESSION)->a->source, SRC_LOC);
	assert_null(find_ev(f, AL_TICK)); /* not nohz_full: the tick is expected */
}

/* The state-file alert is raised once and stays. */
static void test_lost_deferral(void **state)
{
	struct fx *f = &fx;
	struct cpuset iso;
	const struct alert *a;

	assert_int_equal(cpulist_parse("2-3", &iso, NULL), 0);
	a = alerts_raise_lost_deferral(&f->ae, "coalesce_tlbi", "no PTI", &iso, 7);
	assert_non_null(a);
	assert_int_equal(a->type, AL_DEFERRAL_REGRESSED);
	assert_int_equal(a->source, ALERT_SOURCE_STATE);
	assert_non_null(strstr(a->remedy, "coalesce_tlbi"));
	assert_true(cpuset_equal(&a->cpus, &iso));
	assert_null(alerts_raise_lost_deferral(&f->ae, "coalesce_tlbi", "no PTI", &iso, 8));
	for (int i = 0; i < 5; i++)
		step(f);
	assert_int_equal(alerts_active(&f->ae, SEV_CRITICAL), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_step_hysteresis),
		cmocka_unit_test(test_step_cpus_accumulate),
		cmocka_unit_test_setup_teardown(test_tlb_shootdown_one_cpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broadcast_and_deferral, setup, teardown),
		cmocka_unit_test_setup_teardown(test_single_cpu_cal_is_ipi_other, setup, teardown),
		cmocka_unit_test_setup_teardown(test_under_threshold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_regression_after_baseline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_deferral, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
