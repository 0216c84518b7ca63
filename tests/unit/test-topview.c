// SPDX-License-Identifier: GPL-2.0-or-later
/* The top view: rates from two samples, the daemon's alert state, both renderings. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "topview.h"

#define SEC 1000000000ull

static const char sample1[] = "           CPU0       CPU1\n"
			      "  1:          9          0   IO-APIC   1-edge      i8042\n"
			      "NMI:          0          0   Non-maskable interrupts\n"
			      "LOC:       1000       2000   Local timer interrupts\n"
			      "IWI:          0          0   IRQ work interrupts\n"
			      "RES:         10         20   Rescheduling interrupts\n"
			      "CAL:        100        200   Function call interrupts\n"
			      "TLB:          0          0   TLB shootdowns\n";

static const char sample2[] = "           CPU0       CPU1\n"
			      "  1:          9          4   IO-APIC   1-edge      i8042\n"
			      "NMI:          0          0   Non-maskable interrupts\n"
			      "LOC:       1250       2001   Local timer interrupts\n"
			      "IWI:          0          0   IRQ work interrupts\n"
			      "RES:         10         22   Rescheduling interrupts\n"
			      "CAL:        100        250   Function call interrupts\n"
			      "TLB:          0          3   TLB shootdowns\n";

struct fx {
	struct monitor m;
	struct topview v;
	struct tl_buf out;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct cpuset cpus, nohz;
	double thr[SRC_COUNT] = {1, 1, 1, 2, 1, 1};
	struct tl_err e;

	cpuset_zero(&cpus);
	cpuset_set(&cpus, 1);
	cpuset_zero(&nohz);
	cpuset_set(&nohz, 1);
	if (monitor_init(&f->m, &cpus, &nohz, 1, 1, &e) < 0 ||
	    topview_init(&f->v, &cpus, thr, 1000) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	monitor_free(&f->m);
	topview_free(&f->v);
	tl_buf_free(&f->out);
	free(f);
	return 0;
}

/* Feed both samples one second apart and take the rates into the view. */
static void feed(struct fx *f)
{
	struct tl_err e;

	assert_int_equal(monitor_feed(&f->m, sample1, sizeof(sample1) - 1, 10 * SEC, &e), 0);
	assert_int_equal(monitor_feed(&f->m, sample2, sizeof(sample2) - 1, 11 * SEC, &e), 0);
	topview_from_monitor(&f->v, &f->m);
}

static void test_first_sample_is_a_baseline(void **state)
{
	struct fx *f = *state;
	struct tl_err e;

	assert_int_equal(monitor_feed(&f->m, sample1, sizeof(sample1) - 1, 10 * SEC, &e), 0);
	topview_from_monitor(&f->v, &f->m);
	topview_from_status(&f->v, NULL);
	assert_int_equal(topview_render_line(&f->v, "12:00:00", &f->out), 0);
	assert_string_equal(f->out.data, "12:00:00 cpu1 TLB=- CAL=- RES=- LOC=- IWI=- IRQ=- "
					 "state=-\n");
}

static void test_line_rates(void **state)
{
	struct fx *f = *state;

	feed(f);
	topview_from_status(&f->v, NULL);
	assert_int_equal(topview_render_line(&f->v, "12:00:01", &f->out), 0);
	assert_string_equal(f->out.data, "12:00:01 cpu1 TLB=3.0 CAL=50.0 RES=2.0 LOC=1.0 IWI=0.0 "
					 "IRQ=4.0 state=-\n");
}

static void test_status_and_sender(void **state)
{
	struct fx *f = *state;
	struct json_object *st = json_tokener_parse(
		"{\"state\":\"degraded\",\"alerts\":[{\"type\":\"tlb_shootdown\",\"cpus\":[1]},"
		"{\"type\":\"ipi_other\",\"cpus\":[5]}]}");

	feed(f);
	topview_from_status(&f->v, st);
	json_object_put(st);
	f->v.attribution = true;
	topview_set_sender(&f->v, 1, "app[4242] user_mm_shootdown 3");
	assert_int_equal(topview_render_line(&f->v, "t", &f->out), 0);
	assert_non_null(strstr(f->out.data, " state=tlb_shootdown sender=\"app[4242] "
					    "user_mm_shootdown 3\"\n"));
	assert_string_equal(f->v.daemon, "degraded");
	/* A daemon with no alert for this CPU says ok. */
	st = json_tokener_parse("{\"state\":\"ok\",\"alerts\":[]}");
	topview_from_status(&f->v, st);
	json_object_put(st);
	assert_string_equal(f->v.rows[0].state, "ok");
}

/* Without a tracer of its own, top shows the sender the daemon's alert names. */
static void test_daemon_sender(void **state)
{
	struct fx *f = *state;
	struct json_object *st = json_tokener_parse(
		"{\"state\":\"degraded\",\"attribution\":{\"state\":\"armed\",\"lost\":0},"
		"\"alerts\":[{\"type\":\"tick\",\"cpus\":[1]},"
		"{\"type\":\"ipi_other\",\"cpus\":[1],\"senders\":[{\"pid\":77,"
		"\"comm\":\"gen-membarrier\",\"class\":\"membarrier\",\"count\":3000}]}]}");

	feed(f);
	topview_from_status(&f->v, st);
	json_object_put(st);
	assert_true(f->v.daemon_attribution);
	assert_string_equal(f->v.rows[0].sender, "gen-membarrier[77] membarrier 3000");
	assert_int_equal(topview_render_line(&f->v, "t", &f->out), 0);
	assert_non_null(strstr(f->out.data, " state=tick sender=\"gen-membarrier[77] membarrier "
					    "3000\"\n"));
	assert_int_equal(topview_render_screen(&f->v, 160, 30, false, &f->out), 0);
	assert_non_null(strstr(f->out.data, "attribution: the daemon's alerts"));
	assert_non_null(strstr(f->out.data, " TOP SENDER"));
	/* An unnamed sender (receiver side) and then a daemon whose tracer is off. */
	st = json_tokener_parse("{\"state\":\"degraded\",\"attribution\":{\"state\":\"armed\"},"
				"\"alerts\":[{\"type\":\"ipi_other\",\"cpus\":[1],\"senders\":"
				"[{\"pid\":null,\"class\":\"other\",\"count\":5}]}]}");
	topview_from_status(&f->v, st);
	json_object_put(st);
	assert_string_equal(f->v.rows[0].sender, "? other 5");
	st = json_tokener_parse("{\"state\":\"ok\",\"attribution\":{\"state\":\"off\"},"
				"\"alerts\":[]}");
	topview_from_status(&f->v, st);
	json_object_put(st);
	assert_false(f->v.daemon_attribution);
	assert_string_equal(f->v.rows[0].sender, "");
	assert_int_equal(topview_render_screen(&f->v, 160, 30, false, &f->out), 0);
	assert_null(strstr(f->out.data, "TOP SENDER"));
}

static void test_screen_colour_and_clipping(void **state)
{
	struct fx *f = *state;

	feed(f);
	topview_from_status(&f->v, NULL);
	assert_int_equal(topview_render_screen(&f->v, 120, 30, true, &f->out), 0);
	assert_non_null(strstr(f->out.data, "daemon: not running"));
	/* CAL 50/s is over its threshold of 1: red. LOC 1/s is under 2: plain. */
	assert_non_null(strstr(f->out.data, "\033[1;31m    50.0\033[0m"));
	assert_non_null(strstr(f->out.data, "      1.0"));
	assert_null(strstr(f->out.data, "\033[1;31m     1.0"));
	/* Without colour the excess is still marked. */
	assert_int_equal(topview_render_screen(&f->v, 120, 30, false, &f->out), 0);
	assert_non_null(strstr(f->out.data, "    50.0!"));
	assert_null(strstr(f->out.data, "\033[1;31m"));
	/* Too few lines for the rows: say how many are hidden. */
	assert_int_equal(topview_render_screen(&f->v, 80, 3, false, &f->out), 0);
	assert_non_null(strstr(f->out.data, "1 more CPUs"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_sample_is_a_baseline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_line_rates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_and_sender, setup, teardown),
		cmocka_unit_test_setup_teardown(test_screen_colour_and_clipping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_daemon_sender, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
