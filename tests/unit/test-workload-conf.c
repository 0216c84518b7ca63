// SPDX-License-Identifier: GPL-2.0-or-later
/* The workloads rules: what parses, and every validation error with its line. */
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

#include "workload-conf.h"

struct parsed {
	config_t cfg;
	struct workload_rules rules;
	struct conf_problems probs;
	int rc;
};

/* Parse text as a whole config file and hand its `workloads` list to the parser. */
static void parse(struct parsed *p, const char *text)
{
	memset(p, 0, sizeof(*p));
	config_init(&p->cfg);
	if (config_read_string(&p->cfg, text) != CONFIG_TRUE)
		fail_msg("libconfig: line %d: %s", config_error_line(&p->cfg),
			 config_error_text(&p->cfg));
	p->rc = workload_conf_parse(config_lookup(&p->cfg, "workloads"), &p->rules, &p->probs);
}

static void done(struct parsed *p)
{
	workload_rules_free(&p->rules);
	config_destroy(&p->cfg);
}

/* True when some problem is on line and contains text. */
static bool has_problem(const struct parsed *p, int line, const char *text)
{
	for (int i = 0; i < p->probs.n; i++)
		if (p->probs.items[i].line == line && strstr(p->probs.items[i].msg, text))
			return true;
	return false;
}

static void dump(const struct parsed *p)
{
	for (int i = 0; i < p->probs.n; i++)
		print_message("# line %d: %s\n", p->probs.items[i].line, p->probs.items[i].msg);
}

static void test_full_rule(void **state)
{
	struct parsed p;
	const struct workload_rule *r;

	parse(&p,
	      "workloads = (\n"
	      "  { name = \"md\"; match = { comm = \"^md-.*\"; }; cpus = \"2-3\";\n"
	      "    threads = \"spread\"; policy = \"fifo\"; priority = 10; numa = \"local\"; },\n"
	      "  { match = { unit = \"trader.service\"; }; cpus = \"4\"; numa = \"1\"; }\n"
	      ");\n");
	dump(&p);
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.rules.n, 2);
	r = &p.rules.rules[0];
	assert_string_equal(r->name, "md");
	assert_int_equal(r->line, 2);
	assert_int_equal(r->kind, WL_MATCH_COMM);
	assert_int_equal(regexec(&r->re, "md-feed", 0, NULL, 0), 0);
	assert_int_not_equal(regexec(&r->re, "bash", 0, NULL, 0), 0);
	assert_int_equal(cpuset_count(&r->cpus), 2);
	assert_true(cpuset_isset(&r->cpus, 2) && cpuset_isset(&r->cpus, 3));
	assert_int_equal(r->threads, WL_THREADS_SPREAD);
	assert_int_equal(r->policy, WL_POLICY_FIFO);
	assert_int_equal(r->priority, 10);
	assert_int_equal(r->numa, WL_NUMA_LOCAL);
	r = &p.rules.rules[1];
	assert_string_equal(r->name, "workloads[1]");
	assert_int_equal(r->kind, WL_MATCH_UNIT);
	assert_string_equal(r->pattern, "trader.service");
	assert_int_equal(r->threads, WL_THREADS_ALL);
	assert_int_equal(r->policy, WL_POLICY_KEEP);
	assert_int_equal(r->numa, WL_NUMA_NODE);
	assert_int_equal(r->node, 1);
	done(&p);
}

static void test_no_list(void **state)
{
	struct parsed p;

	parse(&p, "monitor = { interval_ms = 100; };\n");
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.rules.n, 0);
	done(&p);
}

static void test_bad_regex(void **state)
{
	struct parsed p;

	parse(&p, "workloads = (\n"
		  "  { name = \"a\";\n"
		  "    match = { comm = \"md-(\"; };\n"
		  "    cpus = \"1\"; }\n"
		  ");\n");
	dump(&p);
	assert_int_equal(p.rc, -EINVAL);
	assert_int_equal(p.rules.n, 0);
	assert_true(has_problem(&p, 3, "bad regex \"md-(\""));
	/* regcomp's own explanation follows the pattern. */
	assert_true(has_problem(&p, 3, "Unmatched ("));
	done(&p);
}

static void test_unknown_policy(void **state)
{
	struct parsed p;

	parse(&p, "workloads = (\n"
		  "  { name = \"a\"; match = { comm = \"x\"; }; cpus = \"1\";\n"
		  "    policy = \"deadline\"; }\n"
		  ");\n");
	dump(&p);
	assert_int_equal(p.rc, -EINVAL);
	assert_true(has_problem(&p, 3,
				"unknown policy \"deadline\", expected one of \"other\", "
				"\"fifo\", \"rr\""));
	done(&p);
}

static void test_empty_cpulist(void **state)
{
	struct parsed p;

	parse(&p, "workloads = (\n"
		  "  { name = \"a\"; match = { comm = \"x\"; };\n"
		  "    cpus = \"\"; }\n"
		  ");\n");
	dump(&p);
	assert_int_equal(p.rc, -EINVAL);
	assert_true(has_problem(&p, 3, "cpus: empty cpulist"));
	done(&p);
}

static void test_priority_range(void **state)
{
	struct parsed p;

	parse(&p,
	      "workloads = (\n"
	      "  { name = \"a\"; match = { comm = \"x\"; }; cpus = \"1\"; policy = \"rr\";\n"
	      "    priority = 100; },\n"
	      "  { name = \"b\"; match = { comm = \"x\"; }; cpus = \"1\"; policy = \"fifo\"; },\n"
	      "  { name = \"c\"; match = { comm = \"x\"; }; cpus = \"1\"; priority = 5; }\n"
	      ");\n");
	dump(&p);
	assert_int_equal(p.rc, -EINVAL);
	assert_true(has_problem(&p, 3, "priority: 100 is out of range 1..99"));
	assert_true(has_problem(&p, 4, "needs a priority in 1..99"));
	assert_true(has_problem(&p, 5, "only with policy"));
	done(&p);
}

/* Every problem of a file in one pass, each on its own line. */
static void test_all_problems(void **state)
{
	struct parsed p;

	parse(&p,
	      "workloads = (\n"
	      "  { name = \"a\";\n"
	      "    cpus = \"1\"; },\n"
	      "  { name = \"b\"; match = { comm = \"x\"; }; cpus = \"1\";\n"
	      "    cpu = \"2\";\n"
	      "    threads = \"each\"; },\n"
	      "  { name = \"c\"; match = { cgroup = \"system.slice\"; }; cpus = \"x\"; },\n"
	      "  { name = \"d\"; match = { unit = \"foo\"; }; cpus = \"1\"; numa = \"far\"; },\n"
	      "  { name = \"a\"; match = { comm = \"x\"; cmdline = \"y\"; }; cpus = \"1\"; },\n"
	      "  { name = \"e\"; match = { pid = \"1\"; }; cpus = \"1\"; }\n"
	      ");\n");
	dump(&p);
	assert_int_equal(p.rc, -EINVAL);
	assert_true(has_problem(&p, 2, "workload \"a\": missing match"));
	assert_true(has_problem(&p, 5, "workload \"b\": unknown key \"cpu\""));
	assert_true(has_problem(&p, 6,
				"unknown threads \"each\", expected one of \"all\", "
				"\"spread\""));
	assert_true(has_problem(&p, 7, "must be an absolute cgroup path"));
	assert_true(has_problem(&p, 7, "cpus: \"x\""));
	assert_true(has_problem(&p, 8, "must name a unit ending in .service or .scope"));
	assert_true(has_problem(&p, 8, "numa: unknown \"far\""));
	assert_true(has_problem(&p, 9, "exactly one of comm, cmdline, cgroup, unit"));
	assert_true(has_problem(&p, 9, "name already used at line 2"));
	assert_true(has_problem(&p, 10, "match: unknown key \"pid\""));
	assert_int_equal(p.probs.n, 10);
	done(&p);
}

static void test_not_a_list(void **state)
{
	struct parsed p;

	parse(&p, "\nworkloads = { name = \"a\"; };\n");
	assert_int_equal(p.rc, -EINVAL);
	assert_true(has_problem(&p, 2, "expected a list"));
	done(&p);
}

/* The commented example in conf/tlbiso.conf parses once uncommented. */
static void test_shipped_example(void **state)
{
	const char *top = getenv("top_srcdir");
	char path[512], line[512], text[8192] = "";
	bool in = false;
	struct parsed p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/conf/tlbiso.conf", top ? top : ".");
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		in = in || !strncmp(line, "#workloads = (", 14);
		if (in)
			strncat(text, line + 1, sizeof(text) - strlen(text) - 1);
		if (in && !strncmp(line, "#);", 3))
			break;
	}
	fclose(f);
	assert_true(in);
	parse(&p, text);
	dump(&p);
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.rules.n, 2);
	assert_string_equal(p.rules.rules[0].name, "market-data");
	done(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_rule),	cmocka_unit_test(test_no_list),
		cmocka_unit_test(test_bad_regex),	cmocka_unit_test(test_unknown_policy),
		cmocka_unit_test(test_empty_cpulist),	cmocka_unit_test(test_priority_range),
		cmocka_unit_test(test_all_problems),	cmocka_unit_test(test_not_a_list),
		cmocka_unit_test(test_shipped_example),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
