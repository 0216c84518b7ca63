// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The checks on the hand-made fixture sysroots (tests/fixtures/sysroots/
 * synth-*), through the real readers: each fixture pins a verdict, and
 * these assertions say which one and why, independently of the golden files.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <unistd.h>

#include <cmocka.h>

#include "check.h"

struct run {
	struct tl_path p;
	struct tl_facts f;
	struct check_report r;
};

/* Gather and check one fixture; cpus is an explicit --cpus list or NULL. */
static struct run *run_fixture(const char *name, const char *cpus)
{
	const char *top = getenv("top_srcdir");
	struct run *x = calloc(1, sizeof(*x));
	struct check_options o = {0};
	struct cpuid_source src;
	struct cpuset set;
	char dir[512];
	struct tl_err e;

	snprintf(dir, sizeof(dir), "%s/tests/fixtures/sysroots/%s", top ? top : ".", name);
	assert_int_equal(tl_path_init(&x->p, dir, &e), 0);
	cpuid_source_for_path(&src, &x->p);
	assert_int_equal(facts_gather(&x->f, &x->p, &src, &e), 0);
	if (cpus) {
		assert_int_equal(cpulist_parse(cpus, &set, &e), 0);
		o.cpus = &set;
	}
	assert_int_equal(check_run(&x->f, &x->p, &o, &x->r, &e), 0);
	return x;
}

static void run_free(struct run *x)
{
	check_report_free(&x->r);
	facts_free(&x->f);
	tl_path_fini(&x->p);
	free(x);
}

/* The result of a check, which must exist. */
static const struct check_result *res(const struct run *x, const char *id)
{
	const struct check_result *r = check_report_find(&x->r, id);

	if (!r)
		fail_msg("no check %s", id);
	return r;
}

static void assert_status(const struct run *x, const char *id, enum check_status s)
{
	const struct check_result *r = res(x, id);

	if (r->status != s)
		fail_msg("%s: %s (%s), want %s", id, check_status_name(r->status), r->summary,
			 check_status_name(s));
}

static void assert_remedy_has(const struct run *x, const char *id, const char *text)
{
	const struct check_result *r = res(x, id);

	if (!strstr(r->remedy, text))
		fail_msg("%s: remedy \"%s\" lacks \"%s\"", id, r->remedy, text);
}

static void test_all_pass(void **state)
{
	struct run *x = run_fixture("synth-intel-coalesce-pass", NULL);

	assert_int_equal(x->r.origin, ISOL_NOHZ_FULL);
	assert_int_equal(x->r.counts[CHECK_FAIL], 0);
	assert_int_equal(x->r.counts[CHECK_WARN], 0);
	assert_int_equal(check_report_exit(&x->r), 0);
	assert_status(x, "tlb.deferral", CHECK_PASS);
	assert_non_null(strstr(res(x, "tlb.deferral")->summary, "COALESCE_TLBI"));
	assert_status(x, "cpu.rar", CHECK_PASS); /* MSR 0xCF bit 1 in the dump */
	assert_status(x, "cpu.invlpgb", CHECK_SKIP);
	/* The workqueue mask is 0-3, but the kernel removes its cpumask_isolated 2-3. */
	assert_status(x, "workqueue.cpumask", CHECK_PASS);
	/* 23 checks, no live one without --sample. */
	assert_int_equal(x->r.n, 23);
	for (int i = 0; i < x->r.n; i++)
		assert_false(x->r.results[i].live);
	run_free(x);
}

static void test_pti_off(void **state)
{
	struct run *x = run_fixture("synth-intel-pti-off", NULL);

	assert_status(x, "tlb.deferral", CHECK_FAIL);
	assert_remedy_has(x, "tlb.deferral", "pti=on");
	assert_status(x, "cpu.pti_active", CHECK_WARN);
	assert_status(x, "kconfig.coalesce_tlbi", CHECK_PASS);
	assert_int_equal(check_report_exit(&x->r), 1);
	run_free(x);
}

static void test_zen3_invlpgb(void **state)
{
	struct run *x = run_fixture("synth-amd-zen3-invlpgb", NULL);
	json_object *list, *irq, *v;

	assert_status(x, "tlb.deferral", CHECK_PASS);
	assert_non_null(strstr(res(x, "tlb.deferral")->summary, "INVLPGB"));
	assert_status(x, "cpu.invlpgb", CHECK_PASS);
	/* COALESCE_TLBI and PTI are moot with INVLPGB. */
	assert_status(x, "kconfig.coalesce_tlbi", CHECK_PASS);
	assert_status(x, "cpu.pti_active", CHECK_PASS);
	/* The NVMe queue IRQ on CPU 2 is suspected managed: a warn, not a movable fail. */
	assert_status(x, "irq.affinity", CHECK_WARN);
	assert_true(
		json_object_object_get_ex(res(x, "irq.affinity")->evidence, "on_isolated", &list));
	assert_int_equal(json_object_array_length(list), 1);
	irq = json_object_array_get_idx(list, 0);
	assert_true(json_object_object_get_ex(irq, "name", &v));
	assert_string_equal(json_object_get_string(v), "nvme0q3");
	assert_true(json_object_object_get_ex(irq, "possibly_managed", &v));
	assert_true(json_object_get_boolean(v));
	run_free(x);
}

static void test_zen2(void **state)
{
	struct run *x = run_fixture("synth-amd-zen2-invlpgb", NULL);

	assert_status(x, "tlb.deferral", CHECK_FAIL);
	assert_non_null(strstr(res(x, "tlb.deferral")->summary, "Zen2"));
	assert_status(x, "cpu.invlpgb", CHECK_WARN);
	run_free(x);
}

static void test_boot_cpu(void **state)
{
	struct run *x = run_fixture("synth-boot-cpu-nohz", NULL);

	assert_status(x, "cmdline.nohz_full", CHECK_FAIL);
	assert_non_null(strstr(res(x, "cmdline.nohz_full")->summary, "boot CPU 0"));
	assert_string_equal(res(x, "cmdline.nohz_full")->remedy, "nohz_full=1-3");
	run_free(x);
}

static void test_no_isolation(void **state)
{
	static const char *const isolation[] = {
		"cmdline.nohz_full", "cmdline.isolcpus", "sysfs.nohz_full", "tlb.deferral",
		"irq.affinity",	     "kthread.affinity", "irqbalance",
	};
	struct run *x = run_fixture("synth-no-isolation", NULL);

	assert_int_equal(x->r.origin, ISOL_NONE);
	for (size_t i = 0; i < sizeof(isolation) / sizeof(isolation[0]); i++) {
		assert_status(x, isolation[i], CHECK_FAIL);
		assert_remedy_has(x, isolation[i], "choose CPUs, e.g. nohz_full=1-3");
	}
	/* Checks of the kernel build still judge. */
	assert_status(x, "kconfig.no_hz_full", CHECK_PASS);
	run_free(x);
}

static void test_irqbalance_partial(void **state)
{
	struct run *x = run_fixture("synth-irqbalance-partial", NULL);

	assert_status(x, "irqbalance", CHECK_FAIL);
	assert_remedy_has(x, "irqbalance", "IRQBALANCE_BANNED_CPULIST=2-3");
	assert_status(x, "irq.affinity", CHECK_FAIL);
	assert_remedy_has(x, "irq.affinity",
			  "for i in 31; do echo 0-1 > /proc/irq/$i/smp_affinity_list");
	/* rcu_preempt (movable) is listed; migration/2 (PF_NO_SETAFFINITY) is not. */
	assert_status(x, "kthread.affinity", CHECK_WARN);
	assert_remedy_has(x, "kthread.affinity", "for p in 15; do taskset -pc 0-1 $p; done");
	/* isolcpus twice with different lists: the kernel keeps the first one. */
	assert_status(x, "cmdline.isolcpus", CHECK_WARN);
	assert_non_null(strstr(res(x, "cmdline.isolcpus")->summary, "given again"));
	assert_non_null(strstr(res(x, "cmdline.isolcpus")->summary, "no managed_irq"));
	assert_status(x, "sysfs.isolated", CHECK_WARN);
	run_free(x);
}

/* Malformed parameters are reported as ignored by the kernel, not as absent. */
static void test_bad_cmdline(void **state)
{
	struct run *x = run_fixture("synth-bad-cmdline", "2-3");
	json_object *v;

	assert_status(x, "cmdline.nohz_full", CHECK_FAIL);
	assert_non_null(strstr(res(x, "cmdline.nohz_full")->summary, "ignores nohz_full=2-x"));
	assert_string_equal(res(x, "cmdline.nohz_full")->remedy, "nohz_full=2-3");
	/* An unknown isolcpus flag is skipped (as current kernels do), and said. */
	assert_status(x, "cmdline.isolcpus", CHECK_WARN);
	assert_non_null(
		strstr(res(x, "cmdline.isolcpus")->summary, "unknown flag \"fast\" skipped"));
	assert_true(json_object_object_get_ex(res(x, "cmdline.isolcpus")->evidence,
					      "parse_warnings", &v));
	assert_int_equal(json_object_array_length(v), 1);
	/* The kernel runs nothing tickless: the deferral cannot be in force. */
	assert_status(x, "sysfs.nohz_full", CHECK_FAIL);
	assert_status(x, "tlb.deferral", CHECK_FAIL);
	run_free(x);
}

/* --cpus beats nohz_full; a set outside nohz_full fails the nohz checks. */
static void test_explicit_cpus(void **state)
{
	struct run *x = run_fixture("synth-intel-coalesce-pass", "1-3");

	assert_int_equal(x->r.origin, ISOL_CLI);
	assert_status(x, "cmdline.nohz_full", CHECK_FAIL);
	assert_string_equal(res(x, "cmdline.nohz_full")->remedy, "nohz_full=1-3");
	assert_status(x, "sysfs.nohz_full", CHECK_FAIL);
	assert_status(x, "tlb.deferral", CHECK_FAIL);
	assert_non_null(strstr(res(x, "tlb.deferral")->summary, "not all nohz_full"));
	run_free(x);
}

/* The precedence of facts_isolated_set: explicit, nohz_full, isolated. */
static void test_isolated_set_precedence(void **state)
{
	struct run *x = run_fixture("synth-intel-coalesce-pass", NULL);
	struct cpuset iso, hk, expl;
	struct tl_err e;
	char buf[64];

	assert_int_equal(cpulist_parse("3", &expl, &e), 0);
	assert_int_equal(facts_isolated_set(&x->f, &expl, ISOL_CONFIG, &iso, &hk), ISOL_CONFIG);
	cpulist_format(&hk, buf, sizeof(buf));
	assert_string_equal(buf, "0-2");
	assert_int_equal(facts_isolated_set(&x->f, NULL, ISOL_NONE, &iso, &hk), ISOL_NOHZ_FULL);
	x->f.has_sysfs_nohz_full = false;
	x->f.cmdline.has_nohz_full = false;
	assert_int_equal(facts_isolated_set(&x->f, NULL, ISOL_NONE, &iso, &hk), ISOL_ISOLCPUS);
	assert_string_equal(isol_origin_name(ISOL_ISOLCPUS), "isolated");
	cpuset_zero(&x->f.sysfs_isolated);
	assert_int_equal(facts_isolated_set(&x->f, NULL, ISOL_NONE, &iso, &hk), ISOL_NONE);
	run_free(x);
}

/* A sysroot without /proc cannot be checked: the one hard error of facts_gather. */
static void test_no_proc(void **state)
{
	struct cpuid_source src;
	struct tl_facts f;
	struct tl_path p;
	struct tl_err e;

	assert_int_equal(tl_path_init(&p, "/tmp", &e), 0);
	cpuid_source_for_path(&src, &p);
	assert_true(facts_gather(&f, &p, &src, &e) < 0);
	assert_non_null(strstr(e.msg, "/proc"));
	tl_path_fini(&p);
}

/* The pin: live only, onto online minus isolated, never onto nothing. */
static void test_pin_housekeeping(void **state)
{
	int last = (int)sysconf(_SC_NPROCESSORS_ONLN) - 1;
	cpu_set_t before, after;
	struct cpuset iso, all;
	struct tl_path p, dump;
	struct tl_err e;
	const char *top = getenv("top_srcdir");
	char dir[512];

	assert_int_equal(sched_getaffinity(0, sizeof(before), &before), 0);
	snprintf(dir, sizeof(dir), "%s/tests/fixtures/sysroots/synth-no-isolation",
		 top ? top : ".");
	assert_int_equal(tl_path_init(&dump, dir, &e), 0);
	cpuset_zero(&iso);
	cpuset_set(&iso, 0);
	assert_int_equal(facts_pin_housekeeping(&dump, &iso, &e), 0); /* a dump: no-op */
	assert_int_equal(sched_getaffinity(0, sizeof(after), &after), 0);
	assert_true(CPU_EQUAL(&before, &after));
	tl_path_fini(&dump);

	assert_int_equal(tl_path_init(&p, "/", &e), 0);
	assert_int_equal(cpulist_parse("0-8191", &all, &e), 0);
	assert_int_equal(facts_pin_housekeeping(&p, &all, &e), 0); /* nothing left: no-op */
	assert_int_equal(sched_getaffinity(0, sizeof(after), &after), 0);
	assert_true(CPU_EQUAL(&before, &after));
	if (last > 0 && CPU_ISSET(0, &before)) { /* a cpuset may forbid CPU 0 */
		cpuset_zero(&iso);
		cpuset_set(&iso, last);
		assert_int_equal(facts_pin_housekeeping(&p, &iso, &e), 0);
		assert_int_equal(sched_getaffinity(0, sizeof(after), &after), 0);
		assert_false(CPU_ISSET(last, &after));
		assert_true(CPU_ISSET(0, &after));
		assert_int_equal(sched_setaffinity(0, sizeof(before), &before), 0);
	}
	tl_path_fini(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_pass),
		cmocka_unit_test(test_pti_off),
		cmocka_unit_test(test_zen3_invlpgb),
		cmocka_unit_test(test_zen2),
		cmocka_unit_test(test_boot_cpu),
		cmocka_unit_test(test_no_isolation),
		cmocka_unit_test(test_irqbalance_partial),
		cmocka_unit_test(test_bad_cmdline),
		cmocka_unit_test(test_explicit_cpus),
		cmocka_unit_test(test_isolated_set_precedence),
		cmocka_unit_test(test_no_proc),
		cmocka_unit_test(test_pin_housekeeping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
