/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `tlbisoctl snapshot DIR`: copy into DIR every file tlbiso reads, laid out
 * as on the live system, so that `tlbisoctl check --sysroot DIR` gives the
 * same verdicts (live checks aside). It is how users send a dump and how
 * test fixtures are made. The raw CPUID leaves and MSR 0xCF that cpufeat
 * uses go to DIR/tlbiso/{cpuid,msr}; the kernel config, decompressed from
 * /proc/config.gz when needed, to DIR/boot/config-<release>.
 */
#ifndef TLBISO_SNAPSHOT_H
#define TLBISO_SNAPSHOT_H

#include "cpufeat.h"
#include "err.h"
#include "path.h"

struct snapshot_stats {
	int files;   /* files written */
	int missing; /* listed files absent on the source (normal: depends on the kernel) */
};

/* Copy from src (live or another sysroot) into dir, which is created if needed. */
int snapshot_take(const struct tl_path *src, const struct cpuid_source *cs, const char *dir,
		  struct snapshot_stats *st, struct tl_err *e);

#endif
