// SPDX-License-Identifier: GPL-2.0-or-later
/* kallsyms: parsing, address resolution, hidden addresses, bad input. */
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

#include "kallsyms.h"

/* The fixture tree under the source directory (make check exports top_srcdir). */
static void fixture_path(struct tl_path *p, const char *tree)
{
	char dir[1024];
	struct tl_err e;
	const char *top = getenv("top_srcdir");

	snprintf(dir, sizeof(dir), "%s/tests/fixtures/ipi/%s", top ? top : ".", tree);
	assert_int_equal(tl_path_init(p, dir, &e), 0);
}

static void test_resolve_live(void **state)
{
	struct kallsyms k;
	struct tl_path p;
	struct tl_err e;
	char out[96];
	uint64_t off;

	fixture_path(&p, "live");
	kallsyms_init(&k);
	assert_int_equal(kallsyms_load(&k, &p, &e), 0);
	assert_false(k.hidden);
	/* A data symbol is not kept: callsites and callbacks are code. */
	assert_int_equal(kallsyms_addr(&k, "some_data"), 0);
	kallsyms_format(&k, 0xffffffff813da3c0ull, out, sizeof(out));
	assert_string_equal(out, "ipi_mb");
	kallsyms_format(&k, 0xffffffff813da500ull + 0x231, out, sizeof(out));
	assert_string_equal(out, "membarrier_private_expedited+0x231");
	/* Between two symbols the lower one owns the address. */
	kallsyms_format(&k, 0xffffffff810c0010ull, out, sizeof(out));
	assert_string_equal(out, "native_flush_tlb_multi+0x35010");
	/* Aliases at one address resolve to the same name every time. */
	assert_non_null(kallsyms_lookup(&k, 0xffffffff81000008ull, &off));
	assert_int_equal(off, 8);
	kallsyms_format(&k, 0xffffffffc0a00004ull, out, sizeof(out));
	assert_string_equal(out, "mod_func+0x4");
	kallsyms_format(&k, 0x1000, out, sizeof(out));
	assert_string_equal(out, "0x1000");
	kallsyms_format(&k, 0, out, sizeof(out));
	assert_string_equal(out, "");
	assert_int_equal(kallsyms_addr(&k, "do_sync_core"), 0xffffffff8130d4f0ull);
	kallsyms_free(&k);
	tl_path_fini(&p);
}

static void test_hidden(void **state)
{
	struct kallsyms k;
	struct tl_path p;
	struct tl_err e;
	char out[96];

	fixture_path(&p, "hidden");
	kallsyms_init(&k);
	assert_int_equal(kallsyms_load(&k, &p, &e), 0);
	assert_true(k.hidden);
	kallsyms_format(&k, 0xffffffff813da3c0ull, out, sizeof(out));
	assert_string_equal(out, "0xffffffff813da3c0");
	kallsyms_free(&k);
	tl_path_fini(&p);
}

static void test_bad_line(void **state)
{
	const char text[] = "ffffffff81000000 T _stext\nnot a symbol line\n";
	struct kallsyms k;
	struct tl_err e;

	kallsyms_init(&k);
	assert_int_equal(kallsyms_parse(&k, text, sizeof(text) - 1, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "line 2"));
	kallsyms_free(&k);
}

static void test_unsorted_input(void **state)
{
	const char text[] = "ffffffff81000300 t c\nffffffff81000100 t a\nffffffff81000200 T b";
	struct kallsyms k;
	struct tl_err e;
	char out[64];

	kallsyms_init(&k);
	assert_int_equal(kallsyms_parse(&k, text, sizeof(text) - 1, &e), 0);
	kallsyms_format(&k, 0xffffffff81000250ull, out, sizeof(out));
	assert_string_equal(out, "b+0x50");
	kallsyms_format(&k, 0xffffffff81000100ull, out, sizeof(out));
	assert_string_equal(out, "a");
	kallsyms_free(&k);
}

static void test_missing_file(void **state)
{
	struct kallsyms k;
	struct tl_path p;
	struct tl_err e;

	kallsyms_init(&k);
	assert_int_equal(tl_path_init(&p, "/nonexistent-sysroot-for-test", &e) < 0 ||
				 kallsyms_load(&k, &p, &e) < 0,
			 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve_live), cmocka_unit_test(test_hidden),
		cmocka_unit_test(test_bad_line),     cmocka_unit_test(test_unsorted_input),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
