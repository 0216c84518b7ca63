// SPDX-License-Identifier: GPL-2.0-or-later
/* The config loader: defaults, good files, and every problem with its line. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"
#include "workload-conf.h"

static char tmpdir[64];

/* Write text to a file in the test's directory; returns its path (static buffer). */
static const char *write_conf(const char *text)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/tlbiso.conf", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* True when some problem sits on line and its message contains needle. */
static bool has_problem(const struct conf_problems *p, int line, const char *needle)
{
	for (int i = 0; i < p->n; i++)
		if (p->items[i].line == line && strstr(p->items[i].msg, needle))
			return true;
	return false;
}

static int setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/tlbiso-conf-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/tlbiso.conf", tmpdir);
	unlink(path);
	return rmdir(tmpdir);
}

static void test_missing_file_gives_defaults(void **state)
{
	struct tl_config c;
	struct conf_problems p;
	struct tl_err e = {0};

	memset(&c, 0x55, sizeof(c));
	assert_int_equal(conf_load(&c, "/nonexistent/tlbiso.conf", true, &p, &e), 0);
	assert_true(c.isolated.automatic);
	assert_int_equal(c.monitor.interval_ms, 1000);
	assert_true(c.alerts.journal);
	assert_string_equal(c.alerts.hook, "");
	assert_string_equal(c.path, "");
}

static void test_missing_file_not_ok(void **state)
{
	struct tl_config c;
	struct conf_problems p;
	struct tl_err e = {0};

	assert_int_equal(conf_load(&c, "/nonexistent/tlbiso.conf", false, &p, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "/nonexistent/tlbiso.conf"));
}

static void test_good_file(void **state)
{
	const char *path = write_conf("isolated_cpus = \"2-3\";\n"
				      "housekeeping_cpus = \"0-1\";\n"
				      "monitor = {\n"
				      "  interval_ms = 250;\n"
				      "  window = 4;\n"
				      "  thresholds = { tlb = 0.5; loc = 3; };\n"
				      "  clear_after = 2;\n"
				      "  baseline_factor = 2.5;\n"
				      "};\n"
				      "alerts = {\n"
				      "  journal = false;\n"
				      "  hook = \"/usr/local/bin/page\";\n"
				      "  prometheus_textfile = \"/var/lib/node/tlbiso.prom\";\n"
				      "};\n");
	struct tl_config c;
	struct conf_problems p;
	struct tl_err e = {0};
	char list[32];

	assert_int_equal(conf_load(&c, path, false, &p, &e), 0);
	assert_int_equal(p.n, 0);
	assert_false(c.isolated.automatic);
	cpulist_format(&c.isolated.set, list, sizeof(list));
	assert_string_equal(list, "2-3");
	assert_int_equal(c.monitor.interval_ms, 250);
	assert_int_equal(c.monitor.window, 4);
	assert_true(c.monitor.threshold[SRC_TLB] == 0.5);
	assert_true(c.monitor.threshold[SRC_LOC] == 3.0);
	assert_true(c.monitor.threshold[SRC_CAL] == 1.0); /* default kept */
	assert_int_equal(c.monitor.clear_after, 2);
	assert_false(c.alerts.journal);
	assert_string_equal(c.alerts.hook, "/usr/local/bin/page");
	assert_string_equal(c.path, path);
}

/* Every problem in one pass, each on its own line, and the target untouched. */
static void test_all_problems_with_lines(void **state)
{
	const char *path = write_conf("isolated_cpus = \"2-x\";\n"		  /* 1 */
				      "monitor = {\n"				  /* 2 */
				      "  interval_ms = 10;\n"			  /* 3 */
				      "  intervall_ms = 5;\n"			  /* 4 */
				      "  thresholds = { tlbb = 1; cal = -1; };\n" /* 5 */
				      "  attribution = 1;\n"			  /* 6 */
				      "};\n"					  /* 7 */
				      "alerts = {\n"				  /* 8 */
				      "  hook = \"page.sh\";\n"			  /* 9 */
				      "  prometheus_textfile = \"/tmp/x.txt\";\n" /* 10 */
				      "};\n"					  /* 11 */
				      "bogus = 1;\n");				  /* 12 */
	struct tl_config c;
	struct conf_problems p;
	struct tl_err e = {0};
	char out[4096];

	conf_defaults(&c);
	c.monitor.interval_ms = 777;
	assert_int_equal(conf_load(&c, path, false, &p, &e), -EINVAL);
	assert_int_equal(c.monitor.interval_ms, 777);
	assert_true(has_problem(&p, 1, "isolated_cpus"));
	assert_true(has_problem(&p, 3, "allowed 50..60000"));
	assert_true(has_problem(&p, 4, "did you mean 'interval_ms'"));
	assert_true(has_problem(&p, 5, "did you mean 'tlb'"));
	assert_true(has_problem(&p, 5, "cal = -1 is out of range"));
	assert_true(has_problem(&p, 6, "expected true or false"));
	assert_true(has_problem(&p, 9, "absolute path"));
	assert_true(has_problem(&p, 10, ".prom"));
	assert_true(has_problem(&p, 12, "unknown setting 'bogus'"));
	assert_int_equal(p.n, 9);
	conf_problems_format(&p, path, out, sizeof(out));
	assert_non_null(strstr(out, ":3: interval_ms = 10 is out of range"));
}

static void test_syntax_error_line(void **state)
{
	const char *path = write_conf("monitor = {\n  interval_ms = 100;\n  window = ;\n};\n");
	struct tl_config c;
	struct conf_problems p;
	struct tl_err e = {0};

	assert_int_equal(conf_load(&c, path, false, &p, &e), -EINVAL);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.items[0].line, 3);
}

static void test_overlap_and_type_errors(void **state)
{
	const char *path = write_conf("isolated_cpus = \"2-3\";\n"
				      "housekeeping_cpus = \"0-2\";\n"
				      "monitor = 5;\n"
				      "alerts = { journal = \"yes\"; hook_timeout_ms = 1.5; };\n");
	struct tl_config c;
	struct conf_problems p;
	struct tl_err e = {0};

	assert_int_equal(conf_load(&c, path, false, &p, &e), -EINVAL);
	assert_true(has_problem(&p, 2, "overlaps"));
	assert_true(has_problem(&p, 3, "expected a group"));
	assert_true(has_problem(&p, 4, "journal: expected true or false"));
	assert_true(has_problem(&p, 4, "hook_timeout_ms: expected an integer"));
	assert_int_equal(p.n, 4);
}

static void test_auto_and_empty_file(void **state)
{
	const char *path = write_conf("# nothing but a comment\nisolated_cpus = \"auto\";\n");
	struct tl_config c;
	struct conf_problems p;
	struct tl_err e = {0};

	assert_int_equal(conf_load(&c, path, false, &p, &e), 0);
	assert_true(c.isolated.automatic);
	assert_true(c.housekeeping.automatic);
	assert_int_equal(c.monitor.window, 5);
}

/* The workloads list is parsed into rules the config owns; a bad rule has its line. */
static void test_workloads(void **state)
{
	const char *good =
		"workloads = (\n"
		"  { name = \"a\"; match = { comm = \"^a$\"; }; cpus = \"1\"; },\n"
		"  { name = \"b\"; match = { unit = \"b.service\"; }; cpus = \"2-3\"; }\n"
		");\n";
	const char *bad = "monitor = { window = 4; };\n"
			  "workloads = (\n"
			  "  { name = \"a\"; match = { comm = \"^a$\"; }; cpus = \"1\"; },\n"
			  "  { name = \"b\"; match = { comm = \"(\"; }; cpus = \"\"; }\n"
			  ");\n";
	struct tl_config c;
	struct conf_problems p;
	struct tl_err e = {0};

	assert_int_equal(conf_load(&c, write_conf(good), false, &p, &e), 0);
	assert_non_null(c.workloads);
	assert_int_equal(c.workloads->n, 2);
	/* A bad list leaves the loaded config as it was, rules included. */
	assert_int_equal(conf_load(&c, write_conf(bad), false, &p, &e), -EINVAL);
	assert_true(p.n >= 1);
	for (int i = 0; i < p.n; i++)
		assert_int_equal(p.items[i].line, 4);
	assert_int_equal(c.workloads->n, 2);
	assert_int_equal(c.monitor.window, 5);
	conf_free(&c);
	assert_null(c.workloads);
	/* Not a list: one problem with the line. */
	assert_int_equal(conf_load(&c, write_conf("\nworkloads = 3;\n"), false, &p, &e), -EINVAL);
	assert_int_equal(p.items[0].line, 2);
	assert_int_equal(conf_load(&c, write_conf("isolated_cpus = \"1\";\n"), false, &p, &e), 0);
	assert_null(c.workloads);
}

/* More problems than the array holds are counted, not lost silently. */
static void test_many_problems_counted(void **state)
{
	char text[4096];
	size_t n = 0;
	struct tl_config c;
	struct conf_problems p;
	struct tl_err e = {0};
	char out[8192];

	for (int i = 0; i < 40; i++)
		n += snprintf(text + n, sizeof(text) - n, "zz%d = 1;\n", i);
	assert_int_equal(conf_load(&c, write_conf(text), false, &p, &e), -EINVAL);
	assert_int_equal(p.n, CONF_PROBLEMS_MAX);
	assert_int_equal(p.dropped, 40 - CONF_PROBLEMS_MAX);
	conf_problems_format(&p, "f", out, sizeof(out));
	assert_non_null(strstr(out, "8 more problems not shown"));
}

/* The shipped example must load as it is. */
static void test_shipped_conf_loads(void **state)
{
	const char *srcdir = getenv("top_srcdir");
	char path[512];
	struct tl_config c;
	struct conf_problems p;
	struct tl_err e = {0};
	char out[4096];

	snprintf(path, sizeof(path), "%s/conf/tlbiso.conf", srcdir ? srcdir : ".");
	if (conf_load(&c, path, false, &p, &e) < 0) {
		conf_problems_format(&p, path, out, sizeof(out));
		fail_msg("%s\n%s", e.msg, out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_file_gives_defaults),
		cmocka_unit_test(test_missing_file_not_ok),
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_all_problems_with_lines),
		cmocka_unit_test(test_syntax_error_line),
		cmocka_unit_test(test_overlap_and_type_errors),
		cmocka_unit_test(test_auto_and_empty_file),
		cmocka_unit_test(test_many_problems_counted),
		cmocka_unit_test(test_workloads),
		cmocka_unit_test(test_shipped_conf_loads),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
