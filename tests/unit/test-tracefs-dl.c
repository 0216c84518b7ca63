// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tracefs loader: nothing is mapped before it runs, every function the
 * table names resolves and reaches the library, and a library that cannot
 * be found gives an error naming it and an empty table.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tracefs-dl.h"

/* Whether /proc/self/maps has a mapping whose path contains name. */
static bool mapped(const char *name)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	bool found = false;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		found |= strstr(line, name) != NULL;
	fclose(f);
	return found;
}

#define COUNT_NULL(f) nulls += api.f == NULL;

static void test_load_resolves_everything(void **state)
{
	struct tl_tracefs api;
	struct tl_err e = {0};
	struct tep_handle *tep;
	int nulls = 0;

	(void)state;
	assert_false(mapped("libtracefs.so"));
	assert_false(mapped("libtraceevent.so"));
	assert_int_equal(tl_tracefs_load(&api, &e), 0);
	TL_TRACEEVENT_SYMS(COUNT_NULL)
	TL_TRACEFS_SYMS(COUNT_NULL)
	assert_int_equal(nulls, 0);
	assert_true(mapped("libtracefs.so"));
	assert_true(mapped("libtraceevent.so"));
	/* a call through the table reaches the library */
	tep = api.tep_alloc();
	assert_non_null(tep);
	api.tep_free(tep);
	tl_tracefs_unload(&api);
	assert_null(api.tep_alloc);
	assert_null(api.tracefs);
}

static void test_missing_library_is_named(void **state)
{
	struct tl_tracefs api;
	struct tl_err e = {0};

	(void)state;
	assert_int_equal(
		tl_tracefs_load_from(&api, TL_TRACEEVENT_SONAME, "libtlbiso-nope.so.0", &e),
		-ENOENT);
	assert_non_null(strstr(e.msg, "libtlbiso-nope.so.0"));
	assert_null(api.tracefs);
	assert_null(api.traceevent);
	assert_null(api.tep_alloc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_resolves_everything),
		cmocka_unit_test(test_missing_library_is_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
