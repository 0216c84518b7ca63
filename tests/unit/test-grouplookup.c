// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The group lookup gives getgrnam()'s answer without loading an NSS module
 * into the caller: after looking up a group that exists and one that does
 * not (which walks every source in nsswitch.conf), this process maps no
 * libnss_* library.
 */
#include "config.h"

#include <grp.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "grouplookup.h"

/* Whether /proc/self/maps names an NSS module. */
static bool maps_nss_module(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	bool found = false;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		found |= strstr(line, "/libnss_") != NULL;
	fclose(f);
	return found;
}

static void test_existing_group(void **state)
{
	struct tl_err e = {0};
	gid_t gid = 12345;

	(void)state;
	assert_int_equal(tl_group_lookup("root", &gid, &e), 1);
	assert_int_equal(gid, 0);
}

static void test_missing_group(void **state)
{
	struct tl_err e = {0};
	gid_t gid = 12345;

	(void)state;
	assert_int_equal(tl_group_lookup("tlbiso-test-no-such-group", &gid, &e), 0);
	assert_int_equal(gid, 12345);
}

static void test_no_nss_module_left_behind(void **state)
{
	struct tl_err e = {0};
	gid_t gid;

	(void)state;
	assert_false(maps_nss_module());
	assert_true(tl_group_lookup("tlbiso-test-no-such-group", &gid, &e) >= 0);
	assert_true(tl_group_lookup("root", &gid, &e) >= 0);
	assert_false(maps_nss_module());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_nss_module_left_behind),
		cmocka_unit_test(test_existing_group),
		cmocka_unit_test(test_missing_group),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
