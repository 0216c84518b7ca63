// SPDX-License-Identifier: GPL-2.0-or-later
/* /proc/<pid>/stat parsing (hostile comms, kthread flags) and the task walk. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "procs.h"

/* A kworker: PF_KTHREAD|PF_NO_SETAFFINITY|PF_WQ_WORKER..., processor 3, SCHED_OTHER. */
static const char *kworker_stat =
	"35 (kworker/3:0-events) I 2 0 0 0 -1 69238880 0 0 0 0 0 0 0 0 20 0 1 0 12 0 0 "
	"18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 17 3 0 0 0 0 0 0 0 0 0 0 0 0 0";

static void test_parse_kworker(void **state)
{
	struct task_info t;
	struct tl_err e;

	assert_int_equal(procs_parse_stat(kworker_stat, &t, &e), 0);
	assert_int_equal(t.tid, 35);
	assert_string_equal(t.comm, "kworker/3:0-events");
	assert_int_equal(t.state, 'I');
	assert_true(task_is_kthread(&t));
	assert_true(task_is_pinned_kthread(&t));
	assert_int_equal(t.processor, 3);
	assert_int_equal(t.policy, 0);
}

static void test_parse_hostile_comm(void **state)
{
	const char *s = "4242 (a) b (c) R 1 4242 4242 0 -1 4194304 0 0 0 0 0 0 0 0 -51 0 2 0 9 0 0 "
			"0 0 0 0 0 0 0 0 0 0 0 0 0 17 1 50 1 0 0 0 0 0 0 0 0 0 0 0";
	struct task_info t;
	struct tl_err e;

	assert_int_equal(procs_parse_stat(s, &t, &e), 0);
	assert_string_equal(t.comm, "a) b (c");
	assert_int_equal(t.state, 'R');
	assert_false(task_is_kthread(&t));
	assert_int_equal(t.processor, 1);
	assert_int_equal(t.rt_priority, 50);
	assert_int_equal(t.policy, 1);
}

static void test_parse_garbage(void **state)
{
	struct task_info t;
	struct tl_err e = {0};

	assert_true(procs_parse_stat("", &t, &e) < 0);
	assert_true(procs_parse_stat("12 (x", &t, &e) < 0);
	assert_true(procs_parse_stat("12 (x) R 1 2", &t, &e) < 0);
	assert_true(procs_parse_stat("abc (x) R", &t, &e) < 0);
	assert_non_null(strstr(e.msg, "malformed"));
}

static int count_self(const struct task_info *t, void *arg)
{
	int *found = arg;

	if (t->pid == getpid())
		(*found)++;
	return 0;
}

static void test_walk_live(void **state)
{
	struct tl_path p;
	struct tl_err e;
	int found = 0;

	assert_int_equal(tl_path_init(&p, "/", &e), 0);
	assert_int_equal(procs_walk(&p, true, count_self, &found, &e), 0);
	assert_int_equal(found, 1);
	tl_path_fini(&p);
}

static void mk(const char *root, const char *rel, const char *text)
{
	char path[512], cmd[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int stop_at_second(const struct task_info *t, void *arg)
{
	return ++*(int *)arg == 2 ? 7 : 0;
}

static void test_walk_fixture(void **state)
{
	char root[] = "/tmp/tlbiso-procs-XXXXXX", cmd[128];
	struct task_info t;
	struct tl_path p;
	struct tl_err e;
	int n = 0;

	assert_non_null(mkdtemp(root));
	mk(root, "proc/35/task/35/stat", kworker_stat);
	mk(root, "proc/35/task/35/status", "Name:\tkworker\nTgid:\t35\nCpus_allowed_list:\t3\n");
	mk(root, "proc/36/task/36/stat", kworker_stat);
	mk(root, "proc/36/task/36/status", "Tgid:\t36\nCpus_allowed_list:\t0-3\n");
	mk(root, "proc/self", "not a pid dir\n");
	assert_int_equal(tl_path_init(&p, root, &e), 0);
	assert_int_equal(procs_read_task(&p, 35, 35, &t, &e), 0);
	assert_int_equal(cpuset_count(&t.allowed), 1);
	assert_true(cpuset_isset(&t.allowed, 3));
	assert_int_equal(procs_read_task(&p, 99, 99, &t, &e), -ENOENT);
	/* The callback's non-zero return stops the walk and is passed back. */
	assert_int_equal(procs_walk(&p, true, stop_at_second, &n, &e), 7);
	tl_path_fini(&p);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_kworker), cmocka_unit_test(test_parse_hostile_comm),
		cmocka_unit_test(test_parse_garbage), cmocka_unit_test(test_walk_live),
		cmocka_unit_test(test_walk_fixture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
