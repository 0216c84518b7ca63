// SPDX-License-Identifier: GPL-2.0-or-later
/* The CPU split on fixture topologies: SMT 2, NUMA 2 with an offline CPU, 2 sockets x 24. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "plan.h"

/* Plan on tests/fixtures/topologies/<name>. */
static int plan_on(const char *name, enum plan_mode mode, int n, struct plan *pl, struct tl_err *e)
{
	const char *top = getenv("top_srcdir");
	struct plan_request req = {.mode = mode, .n = n};
	char dir[1024];
	struct tl_path p;
	int r;

	snprintf(dir, sizeof(dir), "%s/tests/fixtures/topologies/%s", top ? top : ".", name);
	assert_int_equal(tl_path_init(&p, dir, e), 0);
	r = plan_make(&p, &req, pl, e);
	tl_path_fini(&p);
	return r;
}

static void assert_list(const struct cpuset *s, const char *want)
{
	char got[1024];

	assert_int_equal(cpulist_format(s, got, sizeof(got)), 0);
	assert_string_equal(got, want);
}

/* Whether some reason line contains text. */
static bool has_reason(const struct plan *pl, const char *text)
{
	for (int i = 0; i < pl->nreasons; i++)
		if (strstr(pl->reasons[i], text))
			return true;
	return false;
}

/* The rules, checked on any plan against its topology. */
static void assert_rules(const char *name, const struct plan *pl)
{
	const char *top = getenv("top_srcdir");
	struct topology *t = malloc(sizeof(*t));
	struct cpuset sib, all;
	struct tl_path p;
	struct tl_err e;
	char dir[1024];
	int cpu;

	snprintf(dir, sizeof(dir), "%s/tests/fixtures/topologies/%s", top ? top : ".", name);
	assert_int_equal(tl_path_init(&p, dir, &e), 0);
	assert_int_equal(topo_read(t, &p, &e), 0);
	tl_path_fini(&p);
	assert_false(cpuset_intersects(&pl->isolated, &pl->housekeeping));
	assert_true(cpuset_isset(&pl->housekeeping, 0));
	cpuset_for_each(cpu, &pl->isolated)
	{
		topo_siblings(t, cpu, &sib);
		cpuset_and(&sib, &sib, &t->online);
		assert_true(cpuset_subset(&sib, &pl->isolated)); /* whole cores */
	}
	for (int node = 0; node < t->nr_nodes; node++)
		if (cpuset_intersects(&t->node_cpus[node], &pl->isolated))
			assert_true(cpuset_intersects(&t->node_cpus[node], &pl->housekeeping));
	cpuset_or(&all, &pl->isolated, &pl->housekeeping);
	assert_true(cpuset_equal(&all, &t->online));
	assert_false(cpuset_intersects(&all, &pl->offline));
	free(t);
}

static void test_smt2_minimal(void **state)
{
	struct plan pl;
	struct tl_err e;

	assert_int_equal(plan_on("smt2", PLAN_MINIMAL, 0, &pl, &e), 0);
	assert_list(&pl.housekeeping, "0,4");
	assert_list(&pl.isolated, "1-3,5-7");
	assert_true(has_reason(&pl, "CPU 0 and its siblings (0,4)"));
	assert_true(has_reason(&pl, "2 threads per core"));
	assert_rules("smt2", &pl);
}

/* An odd count cannot split a core: 3 asked, one whole core (2 CPUs) given, and said so. */
static void test_smt2_isolate_odd(void **state)
{
	struct plan pl;
	struct tl_err e;

	assert_int_equal(plan_on("smt2", PLAN_ISOLATE, 3, &pl, &e), 0);
	assert_list(&pl.isolated, "3,7");
	assert_true(has_reason(&pl, "asked to isolate 3 CPUs, isolating 2"));
	assert_rules("smt2", &pl);
}

static void test_numa2_offline(void **state)
{
	struct plan pl;
	struct tl_err e;

	assert_int_equal(plan_on("numa2-offline", PLAN_MINIMAL, 0, &pl, &e), 0);
	assert_list(&pl.housekeeping, "0,4");
	assert_list(&pl.isolated, "1-3,6-7");
	assert_list(&pl.offline, "5");
	assert_true(has_reason(&pl, "offline: CPUs 5"));
	assert_true(has_reason(&pl, "node0 0; node1 4"));
	assert_rules("numa2-offline", &pl);
}

/* Asking for more than the rules allow keeps node 1's housekeeping CPU. */
static void test_numa2_isolate_all_but_boot(void **state)
{
	struct plan pl;
	struct tl_err e;

	assert_int_equal(plan_on("numa2-offline", PLAN_ISOLATE, 6, &pl, &e), 0);
	assert_list(&pl.isolated, "1-3,6-7");
	assert_true(cpuset_isset(&pl.housekeeping, 4));
	assert_rules("numa2-offline", &pl);
}

static void test_48_minimal(void **state)
{
	struct plan pl;
	struct tl_err e;

	assert_int_equal(plan_on("2s48-smt", PLAN_MINIMAL, 0, &pl, &e), 0);
	assert_list(&pl.housekeeping, "0,12,24,36");
	assert_int_equal(cpuset_count(&pl.isolated), 44);
	assert_rules("2s48-smt", &pl);
}

/* --reserve 5 on 2-thread cores gives 6: cores are added round-robin over the nodes. */
static void test_48_reserve(void **state)
{
	struct plan pl;
	struct tl_err e;

	assert_int_equal(plan_on("2s48-smt", PLAN_RESERVE, 5, &pl, &e), 0);
	assert_list(&pl.housekeeping, "0-1,12,24-25,36");
	assert_true(has_reason(&pl, "asked to reserve 5 CPUs, reserving 6"));
	assert_rules("2s48-smt", &pl);
	assert_int_equal(plan_on("2s48-smt", PLAN_RESERVE, 8, &pl, &e), 0);
	assert_list(&pl.housekeeping, "0-1,12-13,24-25,36-37");
	assert_rules("2s48-smt", &pl);
}

static void test_48_isolate(void **state)
{
	struct plan pl;
	struct tl_err e;

	assert_int_equal(plan_on("2s48-smt", PLAN_ISOLATE, 13, &pl, &e), 0);
	assert_int_equal(cpuset_count(&pl.isolated), 12);
	assert_rules("2s48-smt", &pl);
	assert_int_equal(plan_on("2s48-smt", PLAN_ISOLATE, 47, &pl, &e), 0);
	assert_list(&pl.housekeeping, "0,12,24,36");
	assert_rules("2s48-smt", &pl);
}

/* Requests the machine cannot meet are errors that say the allowed range. */
static void test_impossible(void **state)
{
	struct plan pl;
	struct tl_err e;

	assert_int_equal(plan_on("vm2-captured", PLAN_RESERVE, 2, &pl, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "allowed 1..1"));
	assert_int_equal(plan_on("smt2", PLAN_ISOLATE, 8, &pl, &e), -EINVAL);
	assert_int_equal(plan_on("vm2-captured", PLAN_MINIMAL, 0, &pl, &e), 0);
	assert_list(&pl.isolated, "1");
}

/* One core: nothing can be isolated (pure plan_compute on a built topology). */
static void test_single_core(void **state)
{
	struct topology *t = calloc(1, sizeof(*t));
	struct plan_request req = {.mode = PLAN_MINIMAL};
	struct plan pl;
	struct tl_err e;

	for (int i = 0; i < TL_MAX_CPUS; i++)
		t->core_of[i] = t->node_of[i] = -1;
	cpuset_set(&t->possible, 0);
	cpuset_set(&t->possible, 1);
	t->online = t->possible;
	t->core_of[0] = t->core_of[1] = 0;
	assert_int_equal(plan_compute(t, &req, &pl, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "nothing left to isolate"));
	free(t);
}

static void test_json(void **state)
{
	struct plan pl;
	struct tl_err e;
	char *js;

	assert_int_equal(plan_on("smt2", PLAN_MINIMAL, 0, &pl, &e), 0);
	js = plan_to_json(&pl);
	assert_non_null(strstr(js, "\"schema\":\"tlbiso.plan/1\""));
	assert_non_null(strstr(js, "\"isolated_cpus\":\"1-3,5-7\""));
	assert_non_null(strstr(js, "\"housekeeping_cpus\":\"0,4\""));
	assert_non_null(strstr(js, "\"reasons\":["));
	free(js);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smt2_minimal),
		cmocka_unit_test(test_smt2_isolate_odd),
		cmocka_unit_test(test_numa2_offline),
		cmocka_unit_test(test_numa2_isolate_all_but_boot),
		cmocka_unit_test(test_48_minimal),
		cmocka_unit_test(test_48_reserve),
		cmocka_unit_test(test_48_isolate),
		cmocka_unit_test(test_impossible),
		cmocka_unit_test(test_single_core),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
