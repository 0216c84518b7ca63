// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Checks of the kernel build, the CPU's TLB features, and the verdict they
 * add up to: are kernel-range TLB-flush IPIs kept off the isolated CPUs?
 *
 * Severity policy. tlb.deferral carries the fail when nothing keeps the
 * flushes away; the checks of its ingredients warn, so one missing piece is
 * not counted as several failures. kconfig.coalesce_tlbi in particular:
 * COALESCE_TLBI is an RFC series, not in mainline, so a kernel without it is
 * normal. It passes when built, passes as "not needed" when INVLPGB already
 * removes the IPIs, and warns otherwise.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "check-impl.h"

/* Evidence common to the kconfig checks; returns false (and skips) without a config. */
static bool kconfig_known(struct check_ctx *c, struct check_result *r, const char *sym)
{
	const struct kconfig *k = &c->f->kconfig;
	char key[64];

	ev_str(r, "source", kconfig_source_name(k->source));
	ev_str(r, "path", k->source == KCONFIG_NONE ? NULL : k->path);
	snprintf(key, sizeof(key), "CONFIG_%s", sym);
	ev_str(r, key, kconfig_get(k, sym));
	if (k->source != KCONFIG_NONE)
		return true;
	check_set(r, CHECK_SKIP, "kernel config not found (%s)", c->f->kconfig_error);
	check_remedy(r,
		     "install /boot/config-%s, or build with CONFIG_IKCONFIG_PROC=y "
		     "(modprobe configs)",
		     c->f->release);
	return false;
}

/* A symbol the isolation needs: pass when set, fail otherwise. */
static void kconfig_required(struct check_ctx *c, struct check_result *r, const char *sym,
			     const char *why)
{
	if (!kconfig_known(c, r, sym))
		return;
	if (kconfig_enabled(&c->f->kconfig, sym)) {
		check_set(r, CHECK_PASS, "CONFIG_%s=%s", sym, kconfig_get(&c->f->kconfig, sym));
		return;
	}
	check_set(r, CHECK_FAIL, "CONFIG_%s is not set: %s", sym, why);
	check_remedy(r, "rebuild the kernel with CONFIG_%s=y", sym);
}

/* nohz_full= is ignored without it. */
static void chk_no_hz_full(struct check_ctx *c, struct check_result *r)
{
	kconfig_required(c, r, "NO_HZ_FULL", "nohz_full= is ignored");
}

/* isolcpus= and nohz_full= housekeeping need it. */
static void chk_cpu_isolation(struct check_ctx *c, struct check_result *r)
{
	kconfig_required(c, r, "CPU_ISOLATION", "isolcpus= and housekeeping are ignored");
}

/* See the severity policy at the top of this file. */
static void chk_coalesce_tlbi(struct check_ctx *c, struct check_result *r)
{
	if (!kconfig_known(c, r, "COALESCE_TLBI"))
		return;
	if (kconfig_enabled(&c->f->kconfig, "COALESCE_TLBI")) {
		check_set(r, CHECK_PASS,
			  "CONFIG_COALESCE_TLBI=y: kernel TLB flushes to nohz_full "
			  "CPUs are deferred");
		return;
	}
	if (c->deferral.mechanism == DEFER_INVLPGB) {
		check_set(r, CHECK_PASS,
			  "CONFIG_COALESCE_TLBI is not built; not needed: INVLPGB "
			  "flushes without IPIs");
		return;
	}
	check_set(r, CHECK_WARN,
		  "CONFIG_COALESCE_TLBI is not built (RFC series, not in mainline): "
		  "vmalloc TLB flushes IPI the isolated CPUs");
	check_remedy(r,
		     "build a kernel with the \"Defer some IPIs until a user->kernel transition\" "
		     "series and CONFIG_COALESCE_TLBI=y");
}

/* PTI: COALESCE_TLBI depends on it (the flush sits in the CR3 switch). */
static void chk_kconfig_pti(struct check_ctx *c, struct check_result *r)
{
	const struct kconfig *k = &c->f->kconfig;
	const char *sym = kconfig_get(k, "MITIGATION_PAGE_TABLE_ISOLATION")
				  ? "MITIGATION_PAGE_TABLE_ISOLATION"
				  : "PAGE_TABLE_ISOLATION"; /* the name before 6.9 */

	if (!kconfig_known(c, r, sym))
		return;
	if (kconfig_enabled(k, sym)) {
		check_set(r, CHECK_PASS, "CONFIG_%s=y", sym);
		return;
	}
	if (c->deferral.mechanism == DEFER_INVLPGB) {
		check_set(r, CHECK_PASS, "CONFIG_%s is not set; not needed: INVLPGB is usable",
			  sym);
		return;
	}
	check_set(r, CHECK_WARN, "CONFIG_%s is not set: CONFIG_COALESCE_TLBI depends on it", sym);
	check_remedy(r, "rebuild the kernel with CONFIG_MITIGATION_PAGE_TABLE_ISOLATION=y");
}

/* INVLPGB use needs it (mainline since 6.15, AMD). */
static void chk_broadcast_tlb_flush(struct check_ctx *c, struct check_result *r)
{
	const struct cpu_features *cpu = &c->f->cpu;

	if (!kconfig_known(c, r, "BROADCAST_TLB_FLUSH"))
		return;
	if (kconfig_enabled(&c->f->kconfig, "BROADCAST_TLB_FLUSH")) {
		check_set(r, CHECK_PASS, "CONFIG_BROADCAST_TLB_FLUSH=y");
		return;
	}
	if (cpu->invlpgb == TRI_YES && !cpu->zen2) {
		check_set(r, CHECK_WARN,
			  "the CPU has INVLPGB but the kernel lacks "
			  "CONFIG_BROADCAST_TLB_FLUSH: TLB flushes still IPI");
		check_remedy(r, "run a kernel >= 6.15 built with CONFIG_BROADCAST_TLB_FLUSH=y");
		return;
	}
	check_set(r, CHECK_SKIP,
		  "CONFIG_BROADCAST_TLB_FLUSH is not set; the CPU has no usable "
		  "INVLPGB, so it would not help");
}

/* PTI at run time: the cpuinfo flag, or meltdown "Mitigation: PTI". */
static void chk_pti_active(struct check_ctx *c, struct check_result *r)
{
	const struct tl_facts *f = c->f;

	ev_bool(r, "cpuinfo_pti_flag", f->cpu.pti_flag);
	ev_str(r, "meltdown", f->cpu.meltdown[0] ? f->cpu.meltdown : NULL);
	ev_str(r, "pti", cmdline_get(&f->cmdline, "pti"));
	ev_bool(r, "nopti", cmdline_get(&f->cmdline, "nopti") != NULL);
	ev_str(r, "mitigations", cmdline_get(&f->cmdline, "mitigations"));
	if (f->cpu_error[0])
		ev_str(r, "error", f->cpu_error);
	if (facts_pti_active(f)) {
		check_set(r, CHECK_PASS, "page-table isolation is active");
		return;
	}
	if (c->deferral.mechanism == DEFER_INVLPGB) {
		check_set(r, CHECK_PASS, "PTI is off; not needed: INVLPGB is usable");
		return;
	}
	check_set(r, CHECK_WARN,
		  "PTI is not active: CONFIG_COALESCE_TLBI cannot defer TLB flushes");
	check_remedy(r, "boot with pti=on (and without nopti or mitigations=off)");
}

static const char *tri_name(enum tristate t)
{
	return t == TRI_YES ? "yes" : t == TRI_NO ? "no" : "unknown";
}

/* INVLPGB: present, not Zen2, not cleared. A Zen3+ without it is a hidden bit (VM). */
static void chk_invlpgb(struct check_ctx *c, struct check_result *r)
{
	const struct cpu_features *cpu = &c->f->cpu;
	const struct cmdline *cl = &c->f->cmdline;

	ev_str(r, "cpuid", tri_name(cpu->invlpgb));
	ev_int(r, "count_max", cpu->invlpgb_count_max);
	ev_str(r, "vendor", cpu->vendor);
	ev_int(r, "family", cpu->family);
	ev_int(r, "model", cpu->model);
	ev_bool(r, "zen2", cpu->zen2);
	ev_str(r, "clearcpuid", cl->has_clearcpuid ? cl->clearcpuid : NULL);
	if (cpu->invlpgb == TRI_UNKNOWN) {
		check_set(r, CHECK_SKIP, "INVLPGB unknown: CPUID leaf 0x80000008 not available");
		return;
	}
	if (cpu->invlpgb == TRI_NO) {
		bool amd_zen3 = !strcmp(cpu->vendor, "AuthenticAMD") && cpu->family >= 0x19;

		check_set(r, amd_zen3 ? CHECK_WARN : CHECK_SKIP,
			  amd_zen3 ? "an AMD Zen3+ CPU without INVLPGB in CPUID: a hypervisor "
				     "hides it"
				   : "the CPU has no INVLPGB");
		if (amd_zen3)
			check_remedy(r, "expose INVLPGB to the guest (CPUID 0x80000008 EBX bit 3)");
		return;
	}
	if (cpu->zen2) {
		check_set(r, CHECK_WARN, "INVLPGB is present but the kernel disables it on Zen2");
		return;
	}
	if (cl->clearcpuid_invlpgb) {
		check_set(r, CHECK_WARN, "INVLPGB is cleared by clearcpuid=%s", cl->clearcpuid);
		check_remedy(r, "remove bit 419 from clearcpuid= on the kernel command line");
		return;
	}
	check_set(r, CHECK_PASS, "INVLPGB is available (up to %d pages per flush)",
		  cpu->invlpgb_count_max);
}

/* RAR (Intel): reported for the record; Linux support is an RFC. */
static void chk_rar(struct check_ctx *c, struct check_result *r)
{
	const struct cpu_features *cpu = &c->f->cpu;

	ev_str(r, "core_capabilities", tri_name(cpu->core_caps));
	ev_str(r, "rar", tri_name(cpu->rar));
	ev_str(r, "reason", cpu->rar_reason[0] ? cpu->rar_reason : NULL);
	if (cpu->rar == TRI_YES) {
		check_set(r, CHECK_PASS,
			  "the CPU has RAR (Linux support is an RFC, not in mainline)");
		return;
	}
	if (cpu->rar == TRI_NO) {
		check_set(r, CHECK_SKIP, "the CPU has no RAR");
		return;
	}
	check_set(r, CHECK_SKIP, "RAR unknown: %s", cpu->rar_reason);
	if (strstr(cpu->rar_reason, "modprobe"))
		check_remedy(r, "modprobe msr");
	else if (!strcmp(cpu->rar_reason, "not root"))
		check_remedy(r, "run tlbisoctl check as root");
}

/* The verdict the project exists for. */
static void chk_deferral(struct check_ctx *c, struct check_result *r)
{
	const struct deferral_verdict *v = &c->deferral;

	ev_str(r, "mechanism", deferral_mechanism_name(v->mechanism));
	ev_bool(r, "pti_active", facts_pti_active(c->f));
	if (check_need_isolated(c, r))
		return;
	if (v->expected) {
		check_set(r, CHECK_PASS, "kernel-range TLB flushes are kept off %s by %s",
			  c->isol_list,
			  v->mechanism == DEFER_INVLPGB ? "INVLPGB" : "COALESCE_TLBI");
		return;
	}
	ev_str(r, "missing", v->missing);
	check_set(r, CHECK_FAIL, "kernel-range TLB-flush IPIs reach the isolated CPUs %s: %s",
		  c->isol_list, v->missing);
	check_remedy(r, "%s", v->remedy);
}

const struct check_def check_defs_kernel[] = {
	{"kconfig.no_hz_full", chk_no_hz_full, false},
	{"kconfig.cpu_isolation", chk_cpu_isolation, false},
	{"kconfig.coalesce_tlbi", chk_coalesce_tlbi, false},
	{"kconfig.pti", chk_kconfig_pti, false},
	{"kconfig.broadcast_tlb_flush", chk_broadcast_tlb_flush, false},
	{"cpu.pti_active", chk_pti_active, false},
	{"cpu.invlpgb", chk_invlpgb, false},
	{"cpu.rar", chk_rar, false},
	{"tlb.deferral", chk_deferral, false},
	{NULL, NULL, false},
};
