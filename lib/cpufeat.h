/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CPU facts that decide whether TLB-flush IPIs can be avoided in hardware:
 * AMD INVLPGB (CPUID 0x80000008 EBX[3]; not shown in /proc/cpuinfo; disabled
 * by the kernel on Zen2) and Intel RAR (CPUID.(7,0):EDX[30] CORE_CAPABILITIES,
 * then MSR 0xCF bit 1), plus vendor/family/model, the "pti" flag and the
 * meltdown vulnerability state.
 *
 * Raw CPUID and MSR reads sit behind struct cpuid_source: on the live system
 * they execute CPUID on the current (housekeeping) CPU and read
 * /dev/cpu/<self>/msr; under a sysroot they come from the dump's
 * tlbiso/cpuid and tlbiso/msr files, or are unknown. The MSR is only ever
 * read on the CPU we run on: reading another CPU's MSR sends it an IPI.
 */
#ifndef TLBISO_CPUFEAT_H
#define TLBISO_CPUFEAT_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "path.h"

enum tristate { TRI_UNKNOWN = -1, TRI_NO = 0, TRI_YES = 1 };

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

struct cpuid_source {
	/* 0, -ENOENT when the leaf is not known (sysroot without it), other -errno */
	int (*cpuid)(void *ctx, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out);
	/* 0, -EACCES when not root, -ENODEV when no msr driver, -ENOENT not in a dump, other -errno */
	int (*rdmsr)(void *ctx, uint32_t msr, uint64_t *out);
	void *ctx;
};

/* The live source (CPUID instruction, /dev/cpu/N/msr of the current CPU) or the dump's files. */
void cpuid_source_for_path(struct cpuid_source *src, const struct tl_path *p);

struct cpu_features {
	char vendor[16];	/* "AuthenticAMD", "GenuineIntel", "" if unknown */
	int family, model, stepping; /* -1 if unknown */
	char model_name[128];
	bool pti_flag;		/* "pti" in /proc/cpuinfo flags */
	char meltdown[128];	/* vulnerabilities/meltdown, "" if absent */
	enum tristate invlpgb;	/* CPUID 0x80000008 EBX[3] */
	int invlpgb_count_max;	/* (EDX & 0xffff) + 1 when invlpgb */
	bool zen2;		/* AMD family 17h: kernel clears INVLPGB */
	enum tristate core_caps; /* CPUID.(7,0):EDX[30] */
	enum tristate rar;	/* MSR 0xCF bit 1 */
	char rar_reason[128];	/* why rar is unknown ("not root", "msr module not loaded") */
};

/*
 * Gather the features; unknown values are not errors. An unreadable
 * /proc/cpuinfo is returned as an error, with the CPUID facts filled anyway.
 */
int cpufeat_read(struct cpu_features *f, const struct tl_path *p, const struct cpuid_source *src,
		 struct tl_err *e);

#endif
