// SPDX-License-Identifier: GPL-2.0-or-later
/* oslat result parsing (JSON and text, real captures) and the runner. */
#include "config.h"

#include <errno.h>
#include <limits.h>
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

#include "oslat.h"
#include "path.h"

static char *fixture(const char *name)
{
	static struct tl_buf b;
	struct tl_path p;
	char path[2048], top[PATH_MAX];

	/* The path context resolves against its root, not the cwd: make it absolute. */
	assert_non_null(realpath(getenv("top_srcdir"), top));
	snprintf(path, sizeof(path), "%s/tests/fixtures/oslat/%s", top, name);
	assert_int_equal(tl_path_init(&p, "/", NULL), 0);
	assert_int_equal(tl_path_read_buf(&p, path, &b, NULL), 0);
	tl_path_fini(&p);
	return b.data;
}

static void test_json(void **state)
{
	struct oslat_result r;
	struct tl_err e;

	assert_int_equal(oslat_parse_json(fixture("rt-tests-2.4-1cpu.json"), &r, &e), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.version, "2.40");
	assert_int_equal(r.cpus[0].cpu, 1);
	assert_true(r.cpus[0].max_us == 16262);
	assert_true(r.cpus[0].avg_us > 1.01 && r.cpus[0].avg_us < 1.02);
	assert_true(r.cpus[0].duration_s > 2.9);
	oslat_result_free(&r);
}

static void test_text(void **state)
{
	struct oslat_result r;
	struct tl_err e;

	assert_int_equal(oslat_parse_text(fixture("rt-tests-2.4-1cpu.txt"), &r, &e), 0);
	assert_int_equal(r.n, 1);
	assert_true(r.cpus[0].max_us == 16262);
	oslat_result_free(&r);
	assert_int_equal(oslat_parse_text(fixture("rt-tests-2.4-2cpu.txt"), &r, &e), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.cpus[0].cpu, 0);
	assert_int_equal(r.cpus[1].cpu, 1);
	assert_true(r.cpus[1].max_us >= r.cpus[1].min_us);
	oslat_result_free(&r);
}

static void test_malformed(void **state)
{
	struct oslat_result r;
	struct tl_err e = {0};

	assert_true(oslat_parse_json("", &r, &e) < 0);
	assert_true(oslat_parse_json("{\"thread\":{}}", &r, &e) < 0);
	assert_true(oslat_parse_json("{\"thread\":{\"0\":{\"cpu\":1}}}", &r, &e) < 0);
	assert_true(oslat_parse_json(
			    "{\"thread\":{\"0\":{\"cpu\":99999,\"min\":1,\"avg\":1,\"max\":1}}}",
			    &r, &e) < 0);
	assert_true(oslat_parse_json("[1,2]", &r, &e) < 0);
	assert_true(oslat_parse_text("", &r, &e) < 0);
	/* A truncated table: Core has two columns, Maximum only one. */
	assert_true(oslat_parse_text("Core:\t 0 1\nMinimum:\t 1 1\nAverage:\t 1 1\nMaximum:\t 5\n",
				     &r, &e) < 0);
	assert_non_null(strstr(e.msg, "Maximum"));
	/* NaN and infinity compare false against any bound: found by fuzzing. */
	assert_true(oslat_parse_text("Core:\t nan\nMinimum:\t 1\nAverage:\t 1\nMaximum:\t 5\n",
				     &r, &e) < 0);
	assert_true(oslat_parse_text("Core:\t inf\nMinimum:\t 1\nAverage:\t 1\nMaximum:\t 5\n",
				     &r, &e) < 0);
	assert_true(oslat_parse_json(
			    "{\"thread\":{\"0\":{\"cpu\":NaN,\"min\":1,\"avg\":1,\"max\":1}}}",
			    &r, &e) < 0);
}

static void write_fake(const char *path, const char *body)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
}

/* The runner with stand-ins for oslat: JSON, text-only (old versions), and failure. */
static void test_run_fake(void **state)
{
	char fake[] = "/tmp/tlbiso-fake-oslat-XXXXXX";
	struct oslat_result r;
	struct cpuset cpus;
	struct tl_err e;
	int fd = mkstemp(fake);

	assert_true(fd >= 0);
	close(fd);
	cpulist_parse("2-3", &cpus, NULL);
	write_fake(fake, "for a; do case $a in --json=*) f=${a#--json=};; esac; done\n"
			 "echo '{\"thread\":{\"0\":{\"cpu\":2,\"min\":1,\"avg\":1.5,\"max\":40},"
			 "\"1\":{\"cpu\":3,\"min\":1,\"avg\":1.2,\"max\":7}}}' > \"$f\"");
	assert_int_equal(oslat_run(fake, &cpus, 0, 1, &r, &e), 0);
	assert_int_equal(r.n, 2);
	assert_true(r.cpus[0].max_us == 40);
	oslat_result_free(&r);
	write_fake(fake, "printf 'Core:\\t 2 3\\nMinimum:\\t 1 1\\nAverage:\\t 1.1 1.2\\n"
			 "Maximum:\\t 9 8 (us)\\n'");
	assert_int_equal(oslat_run(fake, &cpus, 0, 1, &r, &e), 0);
	assert_int_equal(r.n, 2);
	assert_true(r.cpus[1].max_us == 8);
	oslat_result_free(&r);
	write_fake(fake, "exit 3");
	assert_true(oslat_run(fake, &cpus, 0, 1, &r, &e) < 0);
	assert_non_null(strstr(e.msg, "failed"));
	unlink(fake);
}

static void test_find_missing(void **state)
{
	char out[256];
	struct tl_err e = {0};
	char *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;

	setenv("TLBISO_OSLAT", "/nonexistent/oslat", 1);
	assert_true(oslat_find(out, sizeof(out), &e) < 0);
	unsetenv("TLBISO_OSLAT");
	free(old);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),	     cmocka_unit_test(test_text),
		cmocka_unit_test(test_malformed),    cmocka_unit_test(test_run_fake),
		cmocka_unit_test(test_find_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
