// SPDX-License-Identifier: GPL-2.0-or-later
/* tlbisoctl run's checks: CPUs offline or not isolated, options, the thread note. */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "launch.h"

static struct cpuset set(const char *list)
{
	struct cpuset s;
	struct tl_err e;

	assert_int_equal(cpulist_parse(list, &s, &e), 0);
	return s;
}

static void test_cpus(void **state)
{
	struct launch_system sys = {.online = set("0-7"), .isolated = set("2-5")};
	struct launch_opts o = {.policy = -1};
	struct tl_err e;

	o.cpus = set("2-3");
	assert_int_equal(launch_check(&o, &sys, &e), 0);
	o.cpus = set("1-3");
	assert_int_equal(launch_check(&o, &sys, &e), -EINVAL);
	assert_string_equal(e.msg, "CPU 1: not isolated (isolated CPUs: 2-5); use --force to run "
				   "there anyway");
	o.force = true;
	assert_int_equal(launch_check(&o, &sys, &e), 0);
	o.cpus = set("7-9");
	assert_int_equal(launch_check(&o, &sys, &e), -EINVAL);
	assert_string_equal(e.msg, "CPU 8-9: offline (online CPUs: 0-7)");
	o.force = false;
	sys.isolated = set("");
	o.cpus = set("0");
	assert_int_equal(launch_check(&o, &sys, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "isolated CPUs: none"));
	cpuset_zero(&o.cpus);
	assert_int_equal(launch_check(&o, &sys, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "empty"));
}

static void test_priority_range(void **state)
{
	struct launch_system sys = {.online = set("0-1"), .isolated = set("1")};
	struct launch_opts o = {.cpus = set("1"), .policy = SCHED_FIFO, .priority = 0};
	struct tl_err e;

	assert_int_equal(launch_check(&o, &sys, &e), -EINVAL);
	assert_string_equal(e.msg, "--fifo 0: priority out of range 1..99");
	o.policy = SCHED_RR;
	o.priority = 100;
	assert_int_equal(launch_check(&o, &sys, &e), -EINVAL);
	assert_string_equal(e.msg, "--rr 100: priority out of range 1..99");
}

static void test_parse(void **state)
{
	struct launch_opts o = {0};
	struct tl_err e;

	assert_int_equal(launch_parse_caps("cap_sys_nice,cap_ipc_lock", &o, &e), 0);
	assert_int_equal(o.nkeep, 2);
	assert_int_equal(o.keep[0], CAP_SYS_NICE);
	assert_int_equal(o.keep[1], CAP_IPC_LOCK);
	assert_int_equal(launch_parse_caps("cap_sys_nicer", &o, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "unknown capability \"cap_sys_nicer\""));
	assert_int_equal(launch_parse_caps(",", &o, &e), -EINVAL);
	assert_int_equal(launch_parse_numa("local", &o, &e), 0);
	assert_int_equal(o.numa, LAUNCH_NUMA_LOCAL);
	assert_int_equal(launch_parse_numa("interleave", &o, &e), 0);
	assert_int_equal(o.numa, LAUNCH_NUMA_INTERLEAVE);
	assert_int_equal(launch_parse_numa("3", &o, &e), 0);
	assert_int_equal(o.numa, LAUNCH_NUMA_NODE);
	assert_int_equal(o.node, 3);
	assert_int_equal(launch_parse_numa("-1", &o, &e), -EINVAL);
	assert_int_equal(launch_parse_numa("near", &o, &e), -EINVAL);
}

static void test_nodes_of(void **state)
{
	struct topology *t = calloc(1, sizeof(*t));
	struct cpuset nodes, cpus = set("1-2");

	t->nr_cpus = 4;
	t->node_of[0] = t->node_of[1] = 0;
	t->node_of[2] = 1;
	t->node_of[3] = -1;
	launch_nodes_of(&cpus, t, &nodes);
	assert_true(cpuset_equal(&nodes, &(struct cpuset){{3ul}}));
	cpus = set("3");
	launch_nodes_of(&cpus, t, &nodes);
	assert_true(cpuset_empty(&nodes));
	launch_nodes_of(&cpus, NULL, &nodes);
	assert_true(cpuset_empty(&nodes));
	free(t);
}

static void test_describe(void **state)
{
	struct launch_opts o = {.cpus = set("2-3")};
	char text[1024];

	launch_describe_threads(&o, text, sizeof(text));
	assert_non_null(strstr(text, "inherits the CPU set 2-3"));
	assert_non_null(strstr(text, "threads = \"spread\" and cpus = \"2-3\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpus),	 cmocka_unit_test(test_priority_range),
		cmocka_unit_test(test_parse),	 cmocka_unit_test(test_nodes_of),
		cmocka_unit_test(test_describe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
