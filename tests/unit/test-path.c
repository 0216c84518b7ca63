// SPDX-License-Identifier: GPL-2.0-or-later
/* The path context: reads under a sysroot, and confinement of symlinks to it. */
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

#include "path.h"

struct fixture {
	char dir[64];
	struct tl_path p;
};

static void write_file(const char *dir, const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char path[512];
	struct tl_err e;

	strcpy(fx->dir, "/tmp/tlbiso-path-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(path, sizeof(path), "%s/proc", fx->dir);
	mkdir(path, 0755);
	write_file(fx->dir, "proc/cmdline", "quiet nohz_full=2-3\n");
	write_file(fx->dir, "proc/num", " 42 \n");
	write_file(fx->dir, "proc/cpus", "2-3\n");
	write_file(fx->dir, "secret", "outside\n");
	/* An absolute symlink inside the dump must resolve inside it. */
	snprintf(path, sizeof(path), "%s/proc/abs", fx->dir);
	assert_int_equal(symlink("/secret", path), 0);
	/* A relative one climbing out must stay inside as well. */
	snprintf(path, sizeof(path), "%s/proc/climb", fx->dir);
	assert_int_equal(symlink("../../../../../../etc/hostname", path), 0);
	assert_int_equal(tl_path_init(&fx->p, fx->dir, &e), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	tl_path_fini(&fx->p);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static void test_read_line(void **state)
{
	struct fixture *fx = *state;
	struct tl_err e;
	char line[128];

	assert_int_equal(tl_path_read_line(&fx->p, "/proc/cmdline", line, sizeof(line), &e), 0);
	assert_string_equal(line, "quiet nohz_full=2-3");
}

static void test_read_buf_reuse(void **state)
{
	struct fixture *fx = *state;
	struct tl_buf b = {0};
	struct tl_err e;
	size_t grows;

	assert_int_equal(tl_path_read_buf(&fx->p, "/proc/cmdline", &b, &e), 0);
	assert_string_equal(b.data, "quiet nohz_full=2-3\n");
	grows = b.grows;
	assert_int_equal(tl_path_read_buf(&fx->p, "/proc/cmdline", &b, &e), 0);
	assert_int_equal(b.grows, grows);
	tl_buf_free(&b);
}

static void test_read_numbers_and_lists(void **state)
{
	struct fixture *fx = *state;
	struct cpuset s;
	struct tl_err e;
	int64_t v;

	assert_int_equal(tl_path_read_s64(&fx->p, "/proc/num", &v, &e), 0);
	assert_int_equal(v, 42);
	assert_true(tl_path_read_s64(&fx->p, "/proc/cmdline", &v, &e) < 0);
	assert_int_equal(tl_path_read_cpulist(&fx->p, "/proc/cpus", &s, &e), 0);
	assert_int_equal(cpuset_count(&s), 2);
}

static void test_missing_file(void **state)
{
	struct fixture *fx = *state;
	struct tl_err e = {0};
	char line[16];

	assert_int_equal(tl_path_read_line(&fx->p, "/proc/nope", line, sizeof(line), &e), -ENOENT);
	assert_non_null(strstr(e.msg, "/proc/nope"));
	assert_false(tl_path_exists(&fx->p, "/proc/nope"));
	assert_true(tl_path_exists(&fx->p, "/proc/cmdline"));
}

/*
 * A FIFO in place of a /proc file is refused at once, not waited on (open
 * would block until a writer came); a directory and a dangling symlink are
 * read errors too: each names the path and the cause.
 */
static void test_not_a_regular_file(void **state)
{
	struct fixture *fx = *state;
	struct tl_buf b = {0};
	struct tl_err e = {0};
	char path[512], line[16];

	snprintf(path, sizeof(path), "%s/proc/fifo", fx->dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(tl_path_read_buf(&fx->p, "/proc/fifo", &b, &e), -EINVAL);
	assert_string_equal(e.msg, "cannot read /proc/fifo: a FIFO, not a regular file");
	assert_int_equal(tl_path_read_line(&fx->p, "/proc/fifo", line, sizeof(line), &e), -EINVAL);
	assert_int_equal(tl_path_read_buf(&fx->p, "/proc", &b, &e), -EISDIR);
	assert_string_equal(e.msg, "cannot read /proc: Is a directory");
	snprintf(path, sizeof(path), "%s/proc/dangling", fx->dir);
	assert_int_equal(symlink("/no/such/file", path), 0);
	assert_int_equal(tl_path_read_buf(&fx->p, "/proc/dangling", &b, &e), -ENOENT);
	tl_buf_free(&b);
}

static void test_symlinks_stay_inside(void **state)
{
	struct fixture *fx = *state;
	struct tl_err e;
	char line[128];

	assert_int_equal(tl_path_read_line(&fx->p, "/proc/abs", line, sizeof(line), &e), 0);
	assert_string_equal(line, "outside");
	/* /etc/hostname exists on the host but not in the dump. */
	assert_true(tl_path_read_line(&fx->p, "/proc/climb", line, sizeof(line), &e) < 0);
}

static void test_resolve_walk(void **state)
{
	struct fixture *fx = *state;
	char out[256];

	assert_int_equal(tl_path_resolve_in_root(&fx->p, "proc/abs", out, sizeof(out)), 0);
	assert_string_equal(out, "secret");
	assert_int_equal(tl_path_resolve_in_root(&fx->p, "proc/climb", out, sizeof(out)), 0);
	assert_string_equal(out, "etc/hostname");
	assert_int_equal(tl_path_resolve_in_root(&fx->p, "../../proc/./cmdline", out, sizeof(out)),
			 0);
	assert_string_equal(out, "proc/cmdline");
	assert_int_equal(tl_path_resolve_in_root(&fx->p, "", out, sizeof(out)), 0);
	assert_string_equal(out, ".");
}

static void test_write(void **state)
{
	struct fixture *fx = *state;
	struct tl_err e;
	char line[128];

	assert_int_equal(tl_path_write(&fx->p, "/proc/num", "7", &e), 0);
	assert_int_equal(tl_path_read_line(&fx->p, "/proc/num", line, sizeof(line), &e), 0);
	assert_string_equal(line, "7");
}

static void test_join(void **state)
{
	struct fixture *fx = *state;
	char out[512], expect[512];

	tl_path_join(&fx->p, "/proc/cmdline", out, sizeof(out));
	snprintf(expect, sizeof(expect), "%s/proc/cmdline", fx->dir);
	assert_string_equal(out, expect);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_buf_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_numbers_and_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_regular_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlinks_stay_inside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_join, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
