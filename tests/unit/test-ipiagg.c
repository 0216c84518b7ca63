// SPDX-License-Identifier: GPL-2.0-or-later
/* Aggregation of attributed IPIs: naming, counting, windows, folding, the cap. */
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

#include "ipiagg.h"

#define SEC	  1000000000ull
#define A_IPI_MB  0xffffffff813da3c0ull
#define A_MB_SITE (0xffffffff813da500ull + 0x231)
#define A_FLUSH	  0xffffffff8108a5e0ull
#define A_ONEACH  (0xffffffff81450b00ull + 0x20)

struct fx {
	struct tl_path p;
	struct kallsyms k;
	struct ipiagg a;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *top = getenv("top_srcdir");
	char dir[1024];
	struct tl_err e;

	snprintf(dir, sizeof(dir), "%s/tests/fixtures/ipi/live", top ? top : ".");
	if (tl_path_init(&f->p, dir, &e) < 0)
		return -1;
	kallsyms_init(&f->k);
	if (kallsyms_load(&f->k, &f->p, &e) < 0 || ipiagg_init(&f->a, &f->k, &f->p, 0) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	ipiagg_free(&f->a);
	kallsyms_free(&f->k);
	tl_path_fini(&f->p);
	free(f);
	return 0;
}

static struct ipi_tuple mb(int cpu, pid_t tid, uint64_t ts)
{
	return (struct ipi_tuple){.ts_ns = ts,
				  .target_cpu = cpu,
				  .tid = tid,
				  .callsite = A_MB_SITE,
				  .callback = A_IPI_MB,
				  .class_hint = -1};
}

static void test_named_and_counted(void **state)
{
	struct fx *f = *state;
	const struct ipiagg_entry *v[8];
	struct ipi_tuple t = mb(2, 4242, 10 * SEC);

	for (int i = 0; i < 3; i++)
		assert_int_equal(ipiagg_add(&f->a, &t), 0);
	t = mb(2, 4243, 10 * SEC);
	assert_int_equal(ipiagg_add(&f->a, &t), 0);
	assert_int_equal(ipiagg_sorted(&f->a, v, 8), 2);
	assert_int_equal(v[0]->count, 3);
	assert_int_equal(v[0]->who.pid, 4242);
	assert_string_equal(v[0]->who.comm, "app");
	assert_string_equal(v[0]->who.unit, "trading.service");
	assert_string_equal(v[0]->callback_s, "ipi_mb");
	assert_string_equal(v[0]->callsite_s, "membarrier_private_expedited+0x231");
	assert_int_equal(v[0]->cls, IPI_CLASS_MEMBARRIER);
	/* A thread is named by its own comm and reported under its process. */
	assert_int_equal(v[1]->who.tid, 4243);
	assert_int_equal(v[1]->who.pid, 4242);
	assert_string_equal(v[1]->who.comm, "app-worker");
	assert_int_equal(f->a.total, 4);
}

static void test_gone_and_unknown_sender(void **state)
{
	struct fx *f = *state;
	const struct ipiagg_entry *v[8];
	struct ipi_tuple t = mb(3, 9999, SEC);
	struct ipi_tuple rx = {.ts_ns = SEC,
			       .target_cpu = 3,
			       .tid = -1,
			       .class_hint = IPI_CLASS_USER_MM_SHOOTDOWN};

	assert_int_equal(ipiagg_add(&f->a, &t), 0);
	assert_int_equal(ipiagg_add(&f->a, &rx), 0);
	assert_int_equal(ipiagg_add(&f->a, &rx), 0);
	assert_int_equal(ipiagg_sorted(&f->a, v, 8), 2);
	assert_int_equal(v[0]->who.pid, -1);
	assert_int_equal(v[0]->cls, IPI_CLASS_USER_MM_SHOOTDOWN);
	assert_int_equal(v[0]->count, 2);
	assert_int_equal(v[1]->who.pid, 9999);
	assert_string_equal(v[1]->who.comm, "");
}

static void test_window_and_classes(void **state)
{
	struct fx *f = *state;
	struct ipi_sender s[4];
	struct ipi_tuple t = mb(2, 4242, 100 * SEC);
	struct ipi_tuple k = {.ts_ns = 101 * SEC,
			      .target_cpu = 2,
			      .tid = 4243,
			      .callsite = A_ONEACH,
			      .callback = A_FLUSH,
			      .class_hint = -1};

	ipiagg_add(&f->a, &t);
	t.ts_ns = 101 * SEC;
	ipiagg_add(&f->a, &t);
	ipiagg_add(&f->a, &k);
	ipiagg_add(&f->a, &k);
	/* Last second only: one membarrier, two kernel flushes; flushes first. */
	assert_int_equal(ipiagg_top(&f->a, 101 * SEC + SEC / 2, 1, IPI_CLASS_ALL, -1, s, 4), 2);
	assert_int_equal(s[0].cls, IPI_CLASS_KERNEL_TLB_FLUSH);
	assert_int_equal(s[0].count, 2);
	assert_string_equal(s[0].comm, "app-worker");
	assert_int_equal(s[1].count, 1);
	/* Two seconds: both membarriers. */
	assert_int_equal(
		ipiagg_top(&f->a, 101 * SEC, 2, IPI_CLASS_BIT(IPI_CLASS_MEMBARRIER), -1, s, 4), 1);
	assert_int_equal(s[0].count, 2);
	assert_string_equal(s[0].unit, "trading.service");
	/* A window long past sees nothing. */
	assert_int_equal(ipiagg_top(&f->a, 200 * SEC, 5, IPI_CLASS_ALL, -1, s, 4), 0);
	/* Another target CPU sees nothing. */
	assert_int_equal(ipiagg_top(&f->a, 101 * SEC, 5, IPI_CLASS_ALL, 3, s, 4), 0);
}

static void test_fold_targets(void **state)
{
	struct fx *f = *state;
	struct ipi_sender s[4];
	struct ipi_tuple t = mb(2, 4242, 5 * SEC);

	ipiagg_add(&f->a, &t);
	t.target_cpu = 3;
	ipiagg_add(&f->a, &t);
	ipiagg_add(&f->a, &t);
	assert_int_equal(ipiagg_top(&f->a, 5 * SEC, 1, IPI_CLASS_ALL, -1, s, 4), 1);
	assert_int_equal(s[0].count, 3);
	assert_int_equal(s[0].target_cpu, -1);
	assert_int_equal(ipiagg_top(&f->a, 5 * SEC, 1, IPI_CLASS_ALL, 3, s, 4), 1);
	assert_int_equal(s[0].count, 2);
	assert_int_equal(s[0].target_cpu, 3);
}

static void test_cap_drops(void **state)
{
	struct fx *f = *state;
	struct ipi_tuple t;

	ipiagg_free(&f->a);
	assert_int_equal(ipiagg_init(&f->a, &f->k, &f->p, 2), 0);
	for (int cpu = 0; cpu < 2; cpu++) {
		t = mb(cpu, 4242, SEC);
		assert_int_equal(ipiagg_add(&f->a, &t), 0);
	}
	t = mb(7, 4242, SEC);
	assert_int_equal(ipiagg_add(&f->a, &t), -ENOSPC);
	assert_int_equal(f->a.dropped, 1);
	/* Known keys still count once the table is full. */
	t = mb(1, 4242, SEC);
	assert_int_equal(ipiagg_add(&f->a, &t), 0);
	assert_int_equal(f->a.n, 2);
	ipiagg_reset(&f->a);
	assert_int_equal(f->a.n, 0);
	assert_int_equal(ipiagg_add(&f->a, &t), 0);
}

static void test_unit_from_cgroup(void **state)
{
	char unit[64];

	taskid_unit_from_cgroup("0::/system.slice/foo.service\n", unit, sizeof(unit));
	assert_string_equal(unit, "foo.service");
	taskid_unit_from_cgroup("0::/user.slice/user-0.slice/session-3.scope\n", unit,
				sizeof(unit));
	assert_string_equal(unit, "session-3.scope");
	taskid_unit_from_cgroup("12:cpu:/\n1:name=systemd:/system.slice/bar.service\n0::/\n", unit,
				sizeof(unit));
	assert_string_equal(unit, "bar.service");
	taskid_unit_from_cgroup("0::/\n", unit, sizeof(unit));
	assert_string_equal(unit, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_named_and_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gone_and_unknown_sender, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_and_classes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fold_targets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap_drops, setup, teardown),
		cmocka_unit_test(test_unit_from_cgroup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
