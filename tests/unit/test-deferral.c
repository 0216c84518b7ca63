// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tlb.deferral verdict from hand-built facts: each way to be in force,
 * and each missing ingredient named in `missing` and fixed by `remedy`.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "deferral.h"

struct fx {
	struct tl_facts f;
	struct cpuset iso;
};

/* Facts of a 4-CPU machine: CPUs 2-3 nohz_full, no feature at all yet. */
static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct tl_err e;

	fx->f.cpu.invlpgb = fx->f.cpu.core_caps = fx->f.cpu.rar = TRI_NO;
	strcpy(fx->f.cpu.vendor, "GenuineIntel");
	fx->f.cpu.family = 6;
	assert_int_equal(cmdline_parse(&fx->f.cmdline, "nohz_full=2-3", &e), 0);
	fx->f.has_sysfs_nohz_full = true;
	assert_int_equal(cpulist_parse("2-3", &fx->f.sysfs_nohz_full, &e), 0);
	fx->iso = fx->f.sysfs_nohz_full;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	kconfig_free(&fx->f.kconfig);
	free(fx);
	return 0;
}

static void set_config(struct fx *fx, const char *text)
{
	struct tl_err e;

	assert_int_equal(kconfig_parse(&fx->f.kconfig, text, strlen(text), &e), 0);
	fx->f.kconfig.source = KCONFIG_BOOT;
}

static void amd_invlpgb(struct fx *fx, int family)
{
	strcpy(fx->f.cpu.vendor, "AuthenticAMD");
	fx->f.cpu.family = family;
	fx->f.cpu.zen2 = family == 0x17;
	fx->f.cpu.invlpgb = TRI_YES;
	fx->f.cpu.invlpgb_count_max = 8;
}

static void test_invlpgb_in_force(void **state)
{
	struct fx *fx = *state;
	struct deferral_verdict v;

	amd_invlpgb(fx, 0x19);
	set_config(fx, "CONFIG_BROADCAST_TLB_FLUSH=y\n");
	deferral_assess(&fx->f, &fx->iso, &v);
	assert_true(v.expected);
	assert_int_equal(v.mechanism, DEFER_INVLPGB);
	assert_string_equal(deferral_mechanism_name(v.mechanism), "invlpgb");
}

static void test_invlpgb_zen2(void **state)
{
	struct fx *fx = *state;
	struct deferral_verdict v;

	amd_invlpgb(fx, 0x17);
	set_config(fx, "CONFIG_BROADCAST_TLB_FLUSH=y\n");
	deferral_assess(&fx->f, &fx->iso, &v);
	assert_false(v.expected);
	assert_non_null(strstr(v.missing, "Zen2"));
	assert_non_null(strstr(v.missing, "CONFIG_COALESCE_TLBI"));
}

static void test_invlpgb_without_config(void **state)
{
	struct fx *fx = *state;
	struct deferral_verdict v;

	amd_invlpgb(fx, 0x19);
	set_config(fx, "# CONFIG_BROADCAST_TLB_FLUSH is not set\n");
	deferral_assess(&fx->f, &fx->iso, &v);
	assert_false(v.expected);
	assert_non_null(strstr(v.missing, "CONFIG_BROADCAST_TLB_FLUSH"));
	/* The CPU has INVLPGB: the cheaper fix is the kernel build, not the RFC. */
	assert_non_null(strstr(v.remedy, "CONFIG_BROADCAST_TLB_FLUSH=y"));
}

static void test_invlpgb_unknown_config(void **state)
{
	struct fx *fx = *state;
	struct deferral_verdict v;

	amd_invlpgb(fx, 0x19);
	fx->f.kconfig.source = KCONFIG_NONE;
	deferral_assess(&fx->f, &fx->iso, &v);
	assert_false(v.expected);
	assert_non_null(strstr(v.missing, "kernel config not found"));
}

static void test_invlpgb_cleared(void **state)
{
	struct fx *fx = *state;
	struct deferral_verdict v;
	struct tl_err e;

	amd_invlpgb(fx, 0x19);
	set_config(fx, "CONFIG_BROADCAST_TLB_FLUSH=y\n");
	assert_int_equal(cmdline_parse(&fx->f.cmdline, "nohz_full=2-3 clearcpuid=419", &e), 0);
	assert_true(fx->f.cmdline.clearcpuid_invlpgb);
	deferral_assess(&fx->f, &fx->iso, &v);
	assert_false(v.expected);
	assert_non_null(strstr(v.missing, "clearcpuid=419"));
	assert_non_null(strstr(v.remedy, "clearcpuid"));
}

static void test_coalesce_in_force(void **state)
{
	struct fx *fx = *state;
	struct deferral_verdict v;

	set_config(fx, "CONFIG_COALESCE_TLBI=y\n");
	fx->f.cpu.pti_flag = true;
	deferral_assess(&fx->f, &fx->iso, &v);
	assert_true(v.expected);
	assert_int_equal(v.mechanism, DEFER_COALESCE_TLBI);
	assert_string_equal(v.missing, "");
}

/* PTI from the meltdown file when cpuinfo lacks the flag. */
static void test_pti_from_meltdown(void **state)
{
	struct fx *fx = *state;
	struct deferral_verdict v;

	set_config(fx, "CONFIG_COALESCE_TLBI=y\n");
	strcpy(fx->f.cpu.meltdown, "Mitigation: PTI");
	assert_true(facts_pti_active(&fx->f));
	deferral_assess(&fx->f, &fx->iso, &v);
	assert_true(v.expected);
}

static void test_coalesce_pti_off(void **state)
{
	struct fx *fx = *state;
	struct deferral_verdict v;

	set_config(fx, "CONFIG_COALESCE_TLBI=y\n");
	strcpy(fx->f.cpu.meltdown, "Not affected");
	deferral_assess(&fx->f, &fx->iso, &v);
	assert_false(v.expected);
	assert_non_null(strstr(v.missing, "PTI is not active"));
	assert_string_equal(v.remedy, "boot with pti=on (drop nopti/mitigations=off)");
}

static void test_coalesce_not_nohz_full(void **state)
{
	struct fx *fx = *state;
	struct deferral_verdict v;
	struct tl_err e;

	set_config(fx, "CONFIG_COALESCE_TLBI=y\n");
	fx->f.cpu.pti_flag = true;
	assert_int_equal(cpulist_parse("1-3", &fx->iso, &e), 0);
	deferral_assess(&fx->f, &fx->iso, &v);
	assert_false(v.expected);
	assert_non_null(strstr(v.missing, "isolated CPUs 1-3 are not all nohz_full"));
	assert_string_equal(v.remedy, "nohz_full=1-3");
}

/* Everything missing: each ingredient named once, all in the remedy. */
static void test_nothing(void **state)
{
	struct fx *fx = *state;
	struct deferral_verdict v;

	set_config(fx, "# CONFIG_COALESCE_TLBI is not set\n");
	deferral_assess(&fx->f, &fx->iso, &v);
	assert_false(v.expected);
	assert_int_equal(v.mechanism, DEFER_NONE);
	assert_non_null(strstr(v.missing, "the CPU lacks INVLPGB"));
	assert_non_null(strstr(v.missing, "lacks CONFIG_COALESCE_TLBI"));
	assert_non_null(strstr(v.missing, "PTI is not active"));
	assert_non_null(strstr(v.remedy, "CONFIG_COALESCE_TLBI=y"));
	assert_non_null(strstr(v.remedy, "pti=on"));
	assert_int_not_equal(v.remedy[strlen(v.remedy) - 1], ';');
}

static void test_no_isolated_cpus(void **state)
{
	struct fx *fx = *state;
	struct deferral_verdict v;
	struct cpuset none;

	amd_invlpgb(fx, 0x19);
	set_config(fx, "CONFIG_BROADCAST_TLB_FLUSH=y\n");
	cpuset_zero(&none);
	deferral_assess(&fx->f, &none, &v);
	assert_false(v.expected);
	assert_non_null(strstr(v.missing, "no isolated CPUs"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_invlpgb_in_force, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invlpgb_zen2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invlpgb_without_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invlpgb_unknown_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invlpgb_cleared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coalesce_in_force, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pti_from_meltdown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coalesce_pti_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coalesce_not_nohz_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_isolated_cpus, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
