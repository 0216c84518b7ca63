// SPDX-License-Identifier: GPL-2.0-or-later
/* tlbisoctl snapshot DIR: dump what tlbiso reads, for check --sysroot. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>

#include "snapshot.h"
#include "verbs.h"

static void snapshot_usage(FILE *out)
{
	fputs("Usage:\n"
	      " tlbisoctl snapshot [options] DIR\n"
	      "\n"
	      "Copy into DIR the files of this system that tlbiso reads (/proc interrupts,\n"
	      "cmdline, cpuinfo and sysctls, /proc/irq affinities, the cpu, node and\n"
	      "vulnerability sysfs files, the workqueue mask, the kernel config, kthread and\n"
	      "irqbalance status, and the raw CPUID leaves and MSR 0xCF of this CPU), laid\n"
	      "out as on the system. 'tlbisoctl check --sysroot DIR' then gives the same\n"
	      "verdicts, except the live checks, which skip.\n"
	      "\n"
	      "Options:\n"
	      "     --sysroot SRC  copy from another dump instead of this system\n"
	      " -h, --help         display this help\n"
	      "\n"
	      "Exit status:\n"
	      " 0  success\n"
	      " 1  writing DIR failed\n"
	      " 2  usage error\n"
	      " 3  could not run (source unreadable)\n",
	      out);
}

int verb_snapshot(struct verb_ctx *ctx, int argc, char **argv)
{
	enum { OPT_SYSROOT = 256 };
	static const struct option opts[] = {
		{"sysroot", required_argument, NULL, OPT_SYSROOT},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *sysroot = NULL;
	struct snapshot_stats st;
	struct cpuid_source src;
	struct tl_path p;
	struct tl_err e = {0};
	int c, rc = TL_EXIT_OK;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == OPT_SYSROOT)
			sysroot = optarg;
		else if (c == 'h')
			return snapshot_usage(stdout), TL_EXIT_OK;
		else
			return verb_usage_error(ctx, "snapshot", "invalid option");
	}
	if (argc - optind != 1)
		return verb_usage_error(ctx, "snapshot", "expected one directory");
	if (tl_path_init(&p, sysroot, &e) < 0) {
		fprintf(stderr, "%s snapshot: %s\n", ctx->prog, e.msg);
		return TL_EXIT_CANNOT_RUN;
	}
	cpuid_source_for_path(&src, &p);
	if (snapshot_take(&p, &src, argv[optind], &st, &e) < 0) {
		fprintf(stderr, "%s snapshot: %s\n", ctx->prog, e.msg);
		rc = TL_EXIT_FAIL;
	} else {
		fprintf(stderr, "%s snapshot: %d files written to %s (%d absent on this system)\n",
			ctx->prog, st.files, argv[optind], st.missing);
	}
	tl_path_fini(&p);
	return rc;
}
