// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tlb.deferral verdict, shared by check and the daemon. Two mechanisms
 * keep kernel-range TLB-flush IPIs off isolated CPUs: AMD INVLPGB (mainline
 * since 6.15, no IPI at all) and the RFC CONFIG_COALESCE_TLBI (flush on the
 * next kernel entry of a nohz_full CPU, needs PTI active at run time).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "deferral.h"

const char *deferral_mechanism_name(enum deferral_mechanism m)
{
	switch (m) {
	case DEFER_INVLPGB:
		return "invlpgb";
	case DEFER_COALESCE_TLBI:
		return "coalesce_tlbi";
	case DEFER_NONE:
		break;
	}
	return "none";
}

bool facts_pti_active(const struct tl_facts *f)
{
	return f->cpu.pti_flag || strstr(f->cpu.meltdown, "PTI") != NULL;
}

/* Append a clause to a "; "-separated list held in a fixed buffer. */
__attribute__((format(printf, 3, 4))) static void clause(char *buf, size_t sz, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n && n + 2 < sz) {
		strcpy(buf + n, "; ");
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(buf + n, sz - n, fmt, ap);
	va_end(ap);
}

/* Append a word to a space-separated remedy, once. */
static void remedy_add(char *buf, size_t sz, const char *word)
{
	size_t n = strlen(buf);

	if (strstr(buf, word))
		return;
	snprintf(buf + n, sz - n, "%s%s", n ? " " : "", word);
}

/* Why INVLPGB cannot be used; "" (and true) when it can. */
static bool invlpgb_usable(const struct tl_facts *f, char *why, size_t sz, char *rem, size_t rsz)
{
	const struct cpu_features *c = &f->cpu;
	bool ok = true;

	if (c->invlpgb != TRI_YES) {
		clause(why, sz,
		       c->invlpgb == TRI_NO ? "the CPU lacks INVLPGB (CPUID 0x80000008 EBX[3])"
					    : "INVLPGB support unknown (CPUID not available)");
		return false;
	}
	if (c->zen2) {
		clause(why, sz, "INVLPGB is disabled by the kernel on Zen2 (AMD family 17h)");
		ok = false;
	}
	if (f->cmdline.clearcpuid_invlpgb) {
		clause(why, sz, "INVLPGB is cleared on the command line (clearcpuid=%s)",
		       f->cmdline.clearcpuid);
		remedy_add(rem, rsz,
			   "remove 'clearcpuid=' (bit 419) from the kernel command line;");
		ok = false;
	}
	if (f->kconfig.source == KCONFIG_NONE) {
		clause(why, sz,
		       "kernel config not found: cannot confirm CONFIG_BROADCAST_TLB_FLUSH=y");
		remedy_add(rem, rsz,
			   "provide /boot/config-<release> (or CONFIG_IKCONFIG_PROC) to confirm "
			   "CONFIG_BROADCAST_TLB_FLUSH=y;");
		ok = false;
	} else if (!kconfig_enabled(&f->kconfig, "BROADCAST_TLB_FLUSH")) {
		clause(why, sz, "the kernel lacks CONFIG_BROADCAST_TLB_FLUSH (Linux >= 6.15)");
		remedy_add(rem, rsz,
			   "run a kernel >= 6.15 built with CONFIG_BROADCAST_TLB_FLUSH=y;");
		ok = false;
	}
	return ok;
}

/* The nohz_full set the kernel uses: sysfs when present, else the command line. */
static const struct cpuset *nohz_full_set(const struct tl_facts *f)
{
	if (f->has_sysfs_nohz_full)
		return &f->sysfs_nohz_full;
	return f->cmdline.has_nohz_full ? &f->cmdline.nohz_full : NULL;
}

/* Why COALESCE_TLBI does not defer for these CPUs; true when it does. */
static bool coalesce_in_force(const struct tl_facts *f, const struct cpuset *isolated, char *why,
			      size_t sz, char *rem, size_t rsz)
{
	const struct cpuset *nohz = nohz_full_set(f);
	char list[256] = "";
	bool ok = true;

	cpulist_format(isolated, list, sizeof(list));
	if (f->kconfig.source == KCONFIG_NONE) {
		clause(why, sz, "kernel config not found: cannot confirm CONFIG_COALESCE_TLBI=y");
		ok = false;
	} else if (!kconfig_enabled(&f->kconfig, "COALESCE_TLBI")) {
		clause(why, sz,
		       "the kernel lacks CONFIG_COALESCE_TLBI (RFC series, not in mainline)");
		remedy_add(
			rem, rsz,
			"build a kernel with the IPI-deferral series and CONFIG_COALESCE_TLBI=y;");
		ok = false;
	}
	if (!facts_pti_active(f)) {
		clause(why, sz, "PTI is not active (no 'pti' flag, meltdown: \"%s\")",
		       f->cpu.meltdown[0] ? f->cpu.meltdown : "unknown");
		remedy_add(rem, rsz, "boot with pti=on (drop nopti/mitigations=off);");
		ok = false;
	}
	if (cpuset_empty(isolated)) {
		clause(why, sz, "no isolated CPUs are configured");
		remedy_add(rem, rsz,
			   "choose CPUs, e.g. nohz_full=2-3 isolcpus=managed_irq,domain,2-3;");
		ok = false;
	} else if (!nohz || !cpuset_subset(isolated, nohz)) {
		clause(why, sz, "isolated CPUs %s are not all nohz_full", list);
		if (strlen(rem) + 32 < rsz) {
			size_t n = strlen(rem);

			snprintf(rem + n, rsz - n, "%snohz_full=%s;", n ? " " : "", list);
		}
		ok = false;
	}
	return ok;
}

/* Drop the trailing ';' of the last remedy item. */
static void remedy_trim(char *rem)
{
	size_t n = strlen(rem);

	if (n && rem[n - 1] == ';')
		rem[n - 1] = '\0';
}

void deferral_assess(const struct tl_facts *f, const struct cpuset *isolated,
		     struct deferral_verdict *v)
{
	char why_i[256] = "", why_c[384] = "", rem_i[256] = "", rem_c[384] = "";

	memset(v, 0, sizeof(*v));
	if (invlpgb_usable(f, why_i, sizeof(why_i), rem_i, sizeof(rem_i)) &&
	    !cpuset_empty(isolated)) {
		v->expected = true;
		v->mechanism = DEFER_INVLPGB;
		return;
	}
	if (coalesce_in_force(f, isolated, why_c, sizeof(why_c), rem_c, sizeof(rem_c))) {
		v->expected = true;
		v->mechanism = DEFER_COALESCE_TLBI;
		return;
	}
	snprintf(v->missing, sizeof(v->missing), "INVLPGB: %s. COALESCE_TLBI: %s",
		 why_i[0] ? why_i : "no isolated CPUs", why_c);
	/* The INVLPGB fix is cheaper when the CPU has it; otherwise the COALESCE_TLBI one. */
	snprintf(v->remedy, sizeof(v->remedy), "%s",
		 f->cpu.invlpgb == TRI_YES && !f->cpu.zen2 && rem_i[0] ? rem_i : rem_c);
	remedy_trim(v->remedy);
}
