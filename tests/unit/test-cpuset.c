// SPDX-License-Identifier: GPL-2.0-or-later
/* cpulist and hex-mask parsing and formatting, good and malformed input. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cpuset.h"

static void assert_list(const char *in, const char *expect)
{
	struct cpuset s;
	struct tl_err e;
	char out[256];

	assert_int_equal(cpulist_parse(in, &s, &e), 0);
	assert_int_equal(cpulist_format(&s, out, sizeof(out)), 0);
	assert_string_equal(out, expect);
}

static void test_cpulist_forms(void **state)
{
	assert_list("0-3,8", "0-3,8");
	assert_list("8,0-3", "0-3,8");
	assert_list("5", "5");
	assert_list("", "");
	assert_list("  \n", "");
	assert_list("0-15:2/4", "0-1,4-5,8-9,12-13");
	assert_list("0-7:1/2", "0,2,4,6");
	assert_list("1,1,1", "1");
	assert_list("2-3\n", "2-3");
	assert_list("8191", "8191");
}

static void assert_bad_list(const char *in)
{
	struct cpuset s;
	struct tl_err e = { 0 };

	assert_true(cpulist_parse(in, &s, &e) < 0);
	assert_true(e.code != 0);
	assert_non_null(strstr(e.msg, "cpulist"));
}

static void test_cpulist_garbage(void **state)
{
	assert_bad_list("abc");
	assert_bad_list("1-");
	assert_bad_list("3-1");
	assert_bad_list("1,,2");
	assert_bad_list("1,");
	assert_bad_list("-1");
	assert_bad_list("0-15:0/4");
	assert_bad_list("0-15:5/4");
	assert_bad_list("0-15:2");
	assert_bad_list("8192");
	assert_bad_list("99999999999999999999");
	assert_bad_list("1 2");
}

static void assert_mask(const char *in, const char *expect_list)
{
	struct cpuset s;
	struct tl_err e;
	char out[256];

	assert_int_equal(cpumask_parse(in, &s, &e), 0);
	assert_int_equal(cpulist_format(&s, out, sizeof(out)), 0);
	assert_string_equal(out, expect_list);
}

static void test_cpumask(void **state)
{
	assert_mask("3", "0-1");
	assert_mask("f0", "4-7");
	assert_mask("ff,ffffffff", "0-39");
	assert_mask("00000001,00000000", "32");
	assert_mask("0\n", "");
	assert_mask("FF", "0-7");
}

static void test_cpumask_garbage(void **state)
{
	struct cpuset s;
	struct tl_err e;

	assert_true(cpumask_parse("", &s, &e) < 0);
	assert_true(cpumask_parse("xyz", &s, &e) < 0);
	assert_true(cpumask_parse("ff,ff", &s, &e) < 0);
	assert_true(cpumask_parse(",ffffffff", &s, &e) < 0);
	assert_true(cpumask_parse("123456789", &s, &e) < 0);
}

static void test_cpumask_format(void **state)
{
	struct cpuset s;
	struct tl_err e;
	char out[64];

	assert_int_equal(cpulist_parse("0-39", &s, &e), 0);
	assert_int_equal(cpumask_format(&s, 40, out, sizeof(out)), 0);
	assert_string_equal(out, "000000ff,ffffffff");
	assert_int_equal(cpulist_parse("1", &s, &e), 0);
	assert_int_equal(cpumask_format(&s, 2, out, sizeof(out)), 0);
	assert_string_equal(out, "00000002");
}

static void test_set_ops(void **state)
{
	struct cpuset a, b, c;
	struct tl_err e;
	int cpu, n = 0;

	cpulist_parse("0-7", &a, &e);
	cpulist_parse("4-11", &b, &e);
	cpuset_and(&c, &a, &b);
	assert_int_equal(cpuset_count(&c), 4);
	cpuset_andnot(&c, &a, &b);
	assert_int_equal(cpuset_next(&c, 0), 0);
	assert_int_equal(cpuset_count(&c), 4);
	assert_true(cpuset_intersects(&a, &b));
	assert_false(cpuset_subset(&a, &b));
	cpuset_or(&c, &a, &b);
	assert_int_equal(cpuset_count(&c), 12);
	cpuset_for_each(cpu, &c)
		n++;
	assert_int_equal(n, 12);
	cpuset_zero(&c);
	assert_true(cpuset_empty(&c));
	assert_int_equal(cpuset_next(&c, 0), -1);
}

static void test_format_too_small(void **state)
{
	struct cpuset s;
	struct tl_err e;
	char out[4];

	cpulist_parse("0,2,4,6,8", &s, &e);
	assert_int_equal(cpulist_format(&s, out, sizeof(out)), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpulist_forms),   cmocka_unit_test(test_cpulist_garbage),
		cmocka_unit_test(test_cpumask),	        cmocka_unit_test(test_cpumask_garbage),
		cmocka_unit_test(test_cpumask_format),  cmocka_unit_test(test_set_ops),
		cmocka_unit_test(test_format_too_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
