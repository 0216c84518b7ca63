// SPDX-License-Identifier: GPL-2.0-or-later
/* topo: CPU masks, SMT siblings (offline CPUs without topology), NUMA nodes. */
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

#include "topo.h"

struct fx {
	char dir[64];
	struct tl_path p;
	struct topology *t;
};

static void put(const char *dir, const char *rel, const char *text)
{
	char path[512], cmd[600];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s/%s')\"", dir, rel);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* 8 possible CPUs, 6 online (6-7 offline, no topology), SMT pairs (n, n+4), 2 nodes. */
static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	const char *sib[] = {"0,4", "1,5", "2,6", "3,7", "0,4", "1,5"};
	char rel[128];
	struct tl_err e;

	strcpy(fx->dir, "/tmp/tlbiso-topo-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	put(fx->dir, "sys/devices/system/cpu/possible", "0-7\n");
	put(fx->dir, "sys/devices/system/cpu/present", "0-7\n");
	put(fx->dir, "sys/devices/system/cpu/online", "0-5\n");
	for (int c = 0; c < 6; c++) {
		snprintf(rel, sizeof(rel),
			 "sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", c);
		put(fx->dir, rel, sib[c]);
	}
	put(fx->dir, "sys/devices/system/node/node0/cpulist", "0-1,4-5\n");
	put(fx->dir, "sys/devices/system/node/node1/cpulist", "2-3,6-7\n");
	put(fx->dir, "sys/devices/system/node/online", "0-1\n"); /* not a node directory */
	assert_int_equal(tl_path_init(&fx->p, fx->dir, &e), 0);
	fx->t = malloc(sizeof(*fx->t));
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	char cmd[128];

	tl_path_fini(&fx->p);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx->t);
	free(fx);
	return 0;
}

static void assert_list(const struct cpuset *s, const char *want)
{
	char buf[128];

	assert_int_equal(cpulist_format(s, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
}

static void test_masks(void **state)
{
	struct fx *fx = *state;
	struct tl_err e;

	assert_int_equal(topo_read(fx->t, &fx->p, &e), 0);
	assert_list(&fx->t->possible, "0-7");
	assert_list(&fx->t->online, "0-5");
	assert_list(&fx->t->offline, "6-7"); /* computed: the file is absent */
	assert_int_equal(fx->t->nr_cpus, 8);
}

static void test_offline_file_wins(void **state)
{
	struct fx *fx = *state;
	struct tl_err e;

	put(fx->dir, "sys/devices/system/cpu/offline", "7\n");
	assert_int_equal(topo_read(fx->t, &fx->p, &e), 0);
	assert_list(&fx->t->offline, "7");
}

static void test_siblings(void **state)
{
	struct fx *fx = *state;
	struct cpuset s;
	struct tl_err e;

	assert_int_equal(topo_read(fx->t, &fx->p, &e), 0);
	assert_true(fx->t->smt);
	assert_int_equal(fx->t->core_of[4], 0);
	assert_int_equal(fx->t->core_of[5], 1);
	assert_int_equal(fx->t->core_of[6], -1); /* offline, no topology */
	topo_siblings(fx->t, 4, &s);
	assert_list(&s, "0,4");
	topo_siblings(fx->t, 6, &s);
	assert_list(&s, "6");
	topo_siblings(fx->t, -1, &s);
	assert_true(cpuset_empty(&s));
}

static void test_nodes(void **state)
{
	struct fx *fx = *state;
	struct tl_err e;

	assert_int_equal(topo_read(fx->t, &fx->p, &e), 0);
	assert_int_equal(fx->t->nr_nodes, 2);
	assert_list(&fx->t->node_cpus[1], "2-3,6-7");
	assert_int_equal(fx->t->node_of[5], 0);
	assert_int_equal(fx->t->node_of[7], 1);
}

static void test_no_smt_no_numa(void **state)
{
	struct fx *fx = *state;
	char cmd[160], rel[128];
	struct tl_err e;

	for (int c = 0; c < 6; c++) {
		snprintf(rel, sizeof(rel),
			 "sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", c);
		snprintf(cmd, sizeof(cmd), "%d\n", c);
		put(fx->dir, rel, cmd);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/sys/devices/system/node'", fx->dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(topo_read(fx->t, &fx->p, &e), 0);
	assert_false(fx->t->smt);
	assert_int_equal(fx->t->nr_nodes, 0);
	assert_int_equal(fx->t->node_of[0], -1);
}

static void test_missing_possible(void **state)
{
	struct fx *fx = *state;
	char path[128];
	struct tl_err e;

	snprintf(path, sizeof(path), "%s/sys/devices/system/cpu/possible", fx->dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(topo_read(fx->t, &fx->p, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "possible"));
}

static void test_garbage_possible(void **state)
{
	struct fx *fx = *state;
	struct tl_err e;

	put(fx->dir, "sys/devices/system/cpu/possible", "0-x\n");
	assert_true(topo_read(fx->t, &fx->p, &e) < 0);
}

/* A garbled sibling list is skipped (unknown core), not fatal. */
static void test_garbage_siblings(void **state)
{
	struct fx *fx = *state;
	struct tl_err e;

	put(fx->dir, "sys/devices/system/cpu/cpu1/topology/thread_siblings_list", "zz\n");
	assert_int_equal(topo_read(fx->t, &fx->p, &e), 0);
	assert_int_equal(fx->t->core_of[1], -1);
	assert_int_equal(fx->t->core_of[5], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_masks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offline_file_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_siblings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nodes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_smt_no_numa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_possible, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_possible, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_siblings, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
