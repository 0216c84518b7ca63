// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cpufeat: INVLPGB, Zen2, RAR and the cpuinfo fields, through a fake CPUID
 * source (the seam), and the dump source's tlbiso/{cpuid,msr} parsing.
 */
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

#include "cpufeat.h"

#define AMD_EBX 0x68747541
#define AMD_EDX 0x69746e65
#define AMD_ECX 0x444d4163

/* A fake CPU: a few leaves and an MSR outcome. */
struct fake_cpu {
	uint32_t max_basic, max_ext;
	uint32_t ext8_ebx, ext8_edx, leaf7_edx;
	bool no_ext8;  /* leaf 0x80000008 unknown (dump without it) */
	bool no_cpuid; /* no CPUID at all */
	int msr_rc;
	uint64_t msr;
};

static int fake_cpuid(void *ctx, uint32_t leaf, uint32_t sub, struct cpuid_regs *out)
{
	const struct fake_cpu *c = ctx;

	if (c->no_cpuid)
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	switch (leaf) {
	case 0:
		*out = (struct cpuid_regs){c->max_basic, AMD_EBX, AMD_ECX, AMD_EDX};
		return 0;
	case 7:
		out->edx = c->leaf7_edx;
		return 0;
	case 0x80000000:
		out->eax = c->max_ext;
		return 0;
	case 0x80000008:
		if (c->no_ext8)
			return -ENOENT;
		out->ebx = c->ext8_ebx;
		out->edx = c->ext8_edx;
		return 0;
	}
	return -ENOENT;
}

static int fake_rdmsr(void *ctx, uint32_t msr, uint64_t *out)
{
	const struct fake_cpu *c = ctx;

	assert_int_equal(msr, 0xCF);
	*out = c->msr;
	return c->msr_rc;
}

struct fx {
	char dir[64];
	struct tl_path p;
};

static void put(const char *dir, const char *rel, const char *text)
{
	char path[512], cmd[600];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s/%s')\"", dir, rel);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static const char *zen3_cpuinfo =
	"processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 1\n"
	"model name\t: AMD EPYC 7713 64-Core Processor\nstepping\t: 1\n"
	"flags\t\t: fpu vme ptix xpti pti2\n\n"
	"processor\t: 1\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nflags\t\t: pti\n\n";

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct tl_err e;

	strcpy(fx->dir, "/tmp/tlbiso-cpufeat-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	put(fx->dir, "proc/cpuinfo", zen3_cpuinfo);
	put(fx->dir, "sys/devices/system/cpu/vulnerabilities/meltdown", "Not affected\n");
	assert_int_equal(tl_path_init(&fx->p, fx->dir, &e), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	char cmd[128];

	tl_path_fini(&fx->p);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

/* Read features with a fake CPU under the fixture's cpuinfo. */
static void read_fake(struct fx *fx, struct fake_cpu *cpu, struct cpu_features *f)
{
	struct cpuid_source src = {fake_cpuid, fake_rdmsr, cpu};
	struct tl_err e;

	assert_int_equal(cpufeat_read(f, &fx->p, &src, &e), 0);
}

static void test_cpuinfo_first_block(void **state)
{
	struct fake_cpu cpu = {.max_basic = 0xd, .max_ext = 0x80000021};
	struct cpu_features f;

	read_fake(*state, &cpu, &f);
	assert_string_equal(f.vendor, "AuthenticAMD");
	assert_int_equal(f.family, 25);
	assert_int_equal(f.model, 1);
	assert_int_equal(f.stepping, 1);
	assert_string_equal(f.model_name, "AMD EPYC 7713 64-Core Processor");
	/* "ptix", "xpti" are not "pti"; the second block's "pti" is ignored. */
	assert_false(f.pti_flag);
	assert_string_equal(f.meltdown, "Not affected");
}

static void test_invlpgb_present(void **state)
{
	struct fake_cpu cpu = {
		.max_basic = 0xd, .max_ext = 0x80000021, .ext8_ebx = 1u << 3, .ext8_edx = 7};
	struct cpu_features f;

	read_fake(*state, &cpu, &f);
	assert_int_equal(f.invlpgb, TRI_YES);
	assert_int_equal(f.invlpgb_count_max, 8);
	assert_false(f.zen2);
}

static void test_invlpgb_absent_bit(void **state)
{
	struct fake_cpu cpu = {.max_basic = 0xd, .max_ext = 0x80000021, .ext8_ebx = 0x20000005};
	struct cpu_features f;

	read_fake(*state, &cpu, &f);
	assert_int_equal(f.invlpgb, TRI_NO);
	assert_int_equal(f.invlpgb_count_max, 0);
}

/* A CPU whose highest extended leaf is below 0x80000008 has no INVLPGB. */
static void test_invlpgb_short_ext_range(void **state)
{
	struct fake_cpu cpu = {.max_basic = 0xd, .max_ext = 0x80000004, .ext8_ebx = 1u << 3};
	struct cpu_features f;

	read_fake(*state, &cpu, &f);
	assert_int_equal(f.invlpgb, TRI_NO);
}

static void test_invlpgb_unknown_leaf(void **state)
{
	struct fake_cpu cpu = {.max_basic = 0xd, .max_ext = 0x80000021, .no_ext8 = true};
	struct cpu_features f;

	read_fake(*state, &cpu, &f);
	assert_int_equal(f.invlpgb, TRI_UNKNOWN);
}

static void test_zen2(void **state)
{
	struct fx *fx = *state;
	struct fake_cpu cpu = {.max_basic = 0xd, .max_ext = 0x80000021, .ext8_ebx = 1u << 3};
	struct cpu_features f;

	put(fx->dir, "proc/cpuinfo", "vendor_id\t: AuthenticAMD\ncpu family\t: 23\nflags\t: pti\n");
	read_fake(fx, &cpu, &f);
	assert_true(f.zen2);
	assert_int_equal(f.invlpgb, TRI_YES); /* the CPU has it; deferral judges usability */
	assert_true(f.pti_flag);
}

static void test_rar_yes(void **state)
{
	struct fake_cpu cpu = {
		.max_basic = 0x20, .max_ext = 0x80000008, .leaf7_edx = 1u << 30, .msr = 0x2};
	struct cpu_features f;

	read_fake(*state, &cpu, &f);
	assert_int_equal(f.core_caps, TRI_YES);
	assert_int_equal(f.rar, TRI_YES);
}

static void test_rar_msr_bit_clear(void **state)
{
	struct fake_cpu cpu = {
		.max_basic = 0x20, .max_ext = 0x80000008, .leaf7_edx = 1u << 30, .msr = 0x1};
	struct cpu_features f;

	read_fake(*state, &cpu, &f);
	assert_int_equal(f.rar, TRI_NO);
}

/* Without CORE_CAPABILITIES the MSR does not exist: RAR is no, the MSR is never read. */
static void test_rar_no_core_caps(void **state)
{
	struct fake_cpu cpu = {.max_basic = 0x20, .max_ext = 0x80000008, .msr_rc = -EIO};
	struct cpu_features f;

	read_fake(*state, &cpu, &f);
	assert_int_equal(f.core_caps, TRI_NO);
	assert_int_equal(f.rar, TRI_NO);
}

static void test_rar_not_root(void **state)
{
	struct fake_cpu cpu = {.max_basic = 0x20, .leaf7_edx = 1u << 30, .msr_rc = -EACCES};
	struct cpu_features f;

	read_fake(*state, &cpu, &f);
	assert_int_equal(f.rar, TRI_UNKNOWN);
	assert_string_equal(f.rar_reason, "not root");
}

/* Under a sysroot, a missing MSR means the dump lacks it (not a module problem). */
static void test_rar_not_in_dump(void **state)
{
	struct fake_cpu cpu = {.max_basic = 0x20, .leaf7_edx = 1u << 30, .msr_rc = -ENOENT};
	struct cpu_features f;

	read_fake(*state, &cpu, &f);
	assert_int_equal(f.rar, TRI_UNKNOWN);
	assert_string_equal(f.rar_reason, "MSR 0xCF not in the dump");
}

/* The live source maps a missing /dev/cpu/N/msr to -ENODEV. */
static void test_rar_no_msr_driver(void **state)
{
	struct fake_cpu cpu = {.max_basic = 0x20, .leaf7_edx = 1u << 30, .msr_rc = -ENODEV};
	struct cpu_features f;

	read_fake(*state, &cpu, &f);
	assert_int_equal(f.rar, TRI_UNKNOWN);
	assert_string_equal(f.rar_reason, "msr module not loaded (modprobe msr)");
}

/* A snapshot that could not read the MSR says why; the dump repeats it. */
static void test_dump_msr_error(void **state)
{
	struct fx *fx = *state;
	struct cpuid_source src;
	struct cpu_features f;
	struct tl_err e;

	put(fx->dir, "tlbiso/cpuid", "0 0 0000000d 0 0 0\n7 0 00000001 0 0 40000000\n");
	put(fx->dir, "tlbiso/msr", "# unreadable\ncf error EACCES\n");
	cpuid_source_for_path(&src, &fx->p);
	assert_int_equal(cpufeat_read(&f, &fx->p, &src, &e), 0);
	assert_int_equal(f.rar, TRI_UNKNOWN);
	assert_string_equal(f.rar_reason, "not root");
	put(fx->dir, "tlbiso/msr", "cf error ENODEV\n");
	assert_int_equal(cpufeat_read(&f, &fx->p, &src, &e), 0);
	assert_string_equal(f.rar_reason, "msr module not loaded (modprobe msr)");
}

static void test_no_cpuid(void **state)
{
	struct fake_cpu cpu = {.no_cpuid = true};
	struct cpu_features f;

	read_fake(*state, &cpu, &f);
	assert_int_equal(f.invlpgb, TRI_UNKNOWN);
	assert_int_equal(f.core_caps, TRI_UNKNOWN);
	assert_int_equal(f.rar, TRI_UNKNOWN);
	assert_string_equal(f.vendor, "AuthenticAMD"); /* cpuinfo still read */
}

/* The dump source: comments, malformed lines and other leaves are skipped. */
static void test_dump_source(void **state)
{
	struct fx *fx = *state;
	struct cpuid_source src;
	struct cpu_features f;
	struct tl_err e;

	put(fx->dir, "proc/cpuinfo", "flags\t: fpu\n");
	put(fx->dir, "tlbiso/cpuid",
	    "# leaf subleaf eax ebx ecx edx\n"
	    "0 0 0000000d 68747541 444d4163 69746e65\n"
	    "7 0 zz\n"
	    "7 1 00000000 00000000 00000000 ffffffff\n"
	    "7 0 00000001 00000000 00000000 40000000\n"
	    "80000000 0 80000021 0 0 0\n"
	    "80000008 0 00003030 00000008 00000000 0000ffff\n");
	put(fx->dir, "tlbiso/msr", "# msr value\ncf 0000000000000002\n");
	cpuid_source_for_path(&src, &fx->p);
	assert_int_equal(cpufeat_read(&f, &fx->p, &src, &e), 0);
	assert_string_equal(f.vendor, "AuthenticAMD"); /* from leaf 0: cpuinfo has none */
	assert_int_equal(f.invlpgb, TRI_YES);
	assert_int_equal(f.invlpgb_count_max, 65536);
	assert_int_equal(f.core_caps, TRI_YES);
	assert_int_equal(f.rar, TRI_YES);
}

/* A dump without tlbiso/ files: everything CPUID-based is unknown, not an error. */
static void test_dump_without_cpuid(void **state)
{
	struct fx *fx = *state;
	struct cpuid_source src;
	struct cpu_features f;
	struct tl_err e;

	cpuid_source_for_path(&src, &fx->p);
	assert_int_equal(cpufeat_read(&f, &fx->p, &src, &e), 0);
	assert_int_equal(f.invlpgb, TRI_UNKNOWN);
	assert_int_equal(f.rar, TRI_UNKNOWN);
	assert_string_equal(f.rar_reason, "CPUID leaf 7 unknown");
}

static void test_missing_cpuinfo(void **state)
{
	struct fx *fx = *state;
	struct fake_cpu cpu = {.max_basic = 0xd, .max_ext = 0x80000021, .ext8_ebx = 1u << 3};
	struct cpuid_source src = {fake_cpuid, fake_rdmsr, &cpu};
	struct cpu_features f;
	struct tl_err e;
	char path[128];

	snprintf(path, sizeof(path), "%s/proc/cpuinfo", fx->dir);
	unlink(path);
	assert_int_equal(cpufeat_read(&f, &fx->p, &src, &e), -ENOENT);
	assert_int_equal(f.invlpgb, TRI_YES); /* CPUID facts filled anyway */
	assert_int_equal(f.family, -1);
}

/* The live source on this machine: CPUID leaf 0 always answers on x86. */
static void test_live_cpuid(void **state)
{
	struct cpuid_source src;
	struct cpuid_regs r;
	struct tl_path p;
	struct tl_err e;

	assert_int_equal(tl_path_init(&p, "/", &e), 0);
	cpuid_source_for_path(&src, &p);
#if defined(__x86_64__) || defined(__i386__)
	assert_int_equal(src.cpuid(src.ctx, 0, 0, &r), 0);
	assert_true(r.eax >= 1);
#else
	(void)r;
#endif
	tl_path_fini(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cpuinfo_first_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invlpgb_present, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invlpgb_absent_bit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invlpgb_short_ext_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invlpgb_unknown_leaf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zen2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rar_yes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rar_msr_bit_clear, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rar_no_core_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rar_not_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rar_not_in_dump, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rar_no_msr_driver, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_msr_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_cpuid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_without_cpuid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_cpuinfo, setup, teardown),
		cmocka_unit_test(test_live_cpuid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
