// SPDX-License-Identifier: GPL-2.0-or-later
/* The housekeeping section of tlbiso.conf: defaults, values, every problem at its line. */
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

#include "hk-conf.h"

/* Parse text and run hk_conf_parse on its housekeeping group (may be absent). */
static int parse(const char *text, struct hk_config *c, struct conf_problems *probs)
{
	config_t cfg;
	int r;

	memset(probs, 0, sizeof(*probs));
	config_init(&cfg);
	assert_int_equal(config_read_string(&cfg, text), CONFIG_TRUE);
	r = hk_conf_parse(config_lookup(&cfg, "housekeeping"), c, probs);
	config_destroy(&cfg);
	return r;
}

static bool has_problem(const struct conf_problems *p, int line, const char *text)
{
	for (int i = 0; i < p->n; i++)
		if (p->items[i].line == line && strstr(p->items[i].msg, text))
			return true;
	return false;
}

/* No section: monitor only; apply off, the common knobs on once apply is set. */
static void test_defaults(void **state)
{
	struct conf_problems probs;
	struct hk_config c;

	assert_int_equal(parse("monitor = { };\n", &c, &probs), 0);
	assert_false(c.apply);
	assert_true(c.irq_affinity && c.workqueue_cpumask && c.kthreads && c.watchdog_cpumask);
	assert_true(c.stat_interval);
	assert_int_equal(c.stat_interval_s, 10);
	assert_false(c.timer_migration || c.rt_runtime_us || c.cpuset_partition);
	assert_int_equal(c.coexist, HK_COEXIST_REFUSE);
}

static void test_values(void **state)
{
	struct conf_problems probs;
	struct hk_config c;

	assert_int_equal(parse("housekeeping = {\n"
			       "  apply = true;\n"
			       "  irq_affinity = false;\n"
			       "  stat_interval_value = 30;\n"
			       "  rt_runtime_us = true;\n"
			       "  rt_runtime_us_value = 990000;\n"
			       "  cpuset_partition = true;\n"
			       "  coexist = \"warn\";\n"
			       "};\n",
			       &c, &probs),
			 0);
	assert_true(c.apply);
	assert_false(c.irq_affinity);
	assert_int_equal(c.stat_interval_s, 30);
	assert_true(c.rt_runtime_us);
	assert_int_equal(c.rt_runtime_us_value, 990000);
	assert_true(c.cpuset_partition);
	assert_int_equal(c.coexist, HK_COEXIST_WARN);
}

/* All problems in one pass, each at its line, with the allowed values. */
static void test_problems(void **state)
{
	struct conf_problems probs;
	struct hk_config c;

	assert_int_equal(parse("housekeeping = {\n"
			       "  apply = \"yes\";\n"
			       "  stat_interval_value = 0;\n"
			       "  coexist = \"fight\";\n"
			       "  irq_afinity = true;\n"
			       "  rt_runtime_us_value = 2000000;\n"
			       "};\n",
			       &c, &probs),
			 -EINVAL);
	assert_int_equal(probs.n, 5);
	assert_true(has_problem(&probs, 2, "apply: expected true or false"));
	assert_true(has_problem(&probs, 3, "allowed 1..3600"));
	assert_true(has_problem(&probs, 4, "\"refuse\" or \"warn\""));
	assert_true(has_problem(&probs, 5, "irq_affinity"));
	assert_true(has_problem(&probs, 6, "allowed -1..1000000"));
}

static void test_not_a_group(void **state)
{
	struct conf_problems probs;
	struct hk_config c;

	assert_int_equal(parse("\nhousekeeping = true;\n", &c, &probs), -EINVAL);
	assert_true(has_problem(&probs, 2, "expected a group"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_problems),
		cmocka_unit_test(test_not_a_group),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
