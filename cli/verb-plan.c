// SPDX-License-Identifier: GPL-2.0-or-later
/* tlbisoctl plan: propose the isolated and housekeeping CPUs for this topology. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "plan.h"
#include "verbs.h"

/* --help: to stdout, exit 0 (util-linux style). */
static void plan_usage(void)
{
	fputs("Usage:\n"
	      " tlbisoctl plan [--isolate N | --reserve N] [--sysroot DIR] [--json]\n"
	      "\n"
	      "Propose which CPUs to isolate and which to keep for housekeeping:\n"
	      "whole cores only, a housekeeping core on every NUMA node that has isolated\n"
	      "CPUs, and CPU 0 with its siblings always housekeeping. Changes nothing.\n"
	      "\n"
	      "Options:\n"
	      " -i, --isolate N   isolate at most N CPUs\n"
	      " -r, --reserve N   keep at least N CPUs for housekeeping\n"
	      "     --sysroot DIR read the topology from a dump of another machine\n"
	      " -j, --json        JSON output (schema tlbiso.plan/1)\n"
	      " -h, --help        display this help\n"
	      "\n"
	      "Without --isolate or --reserve, housekeeping is as small as the rules allow.\n"
	      "Feed the result to: tlbisoctl bootargs --cpus LIST\n",
	      stdout);
}

/* A positive count from an option argument, or -1. */
static int plan_count(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *s && !*end && v > 0 && v < 1000000 ? (int)v : -1;
}

/* The text form: the two sets, then one line per rule. */
static void plan_print(const struct plan *pl)
{
	char b[8192];

	cpulist_format(&pl->isolated, b, sizeof(b));
	printf("isolated_cpus:     %s\n", b);
	cpulist_format(&pl->housekeeping, b, sizeof(b));
	printf("housekeeping_cpus: %s\n\n", b);
	for (int i = 0; i < pl->nreasons; i++)
		printf("  - %s\n", pl->reasons[i]);
}

/* Parse the options into a request; returns an exit status, or -1 to go on. */
static int plan_opts(struct verb_ctx *ctx, int argc, char **argv, struct plan_request *req,
		     const char **sysroot, bool *json)
{
	static const struct option opts[] = {
		{"isolate", required_argument, NULL, 'i'},
		{"reserve", required_argument, NULL, 'r'},
		{"sysroot", required_argument, NULL, 'S'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	opterr = 0; /* our own message, in the util-linux form */
	while ((c = getopt_long(argc, argv, "i:r:jh", opts, NULL)) != -1) {
		if (c == 'h')
			return plan_usage(), TL_EXIT_OK;
		if ((c == 'i' || c == 'r') && req->mode != PLAN_MINIMAL)
			return verb_usage_error(ctx, "plan",
						"--isolate and --reserve exclude each other");
		if (c == 'i' || c == 'r') {
			req->mode = c == 'i' ? PLAN_ISOLATE : PLAN_RESERVE;
			req->n = plan_count(optarg);
			if (req->n < 0)
				return verb_usage_error(ctx, "plan", "not a CPU count: '%s'",
							optarg);
		} else if (c == 'S') {
			*sysroot = optarg;
		} else if (c == 'j') {
			*json = true;
		} else {
			return verb_usage_error(ctx, "plan",
						"unrecognized option or missing argument: '%s'",
						argv[optind - 1]);
		}
	}
	if (optind < argc)
		return verb_usage_error(ctx, "plan", "unexpected argument '%s'", argv[optind]);
	return -1;
}

int verb_plan(struct verb_ctx *ctx, int argc, char **argv)
{
	struct plan_request req = {.mode = PLAN_MINIMAL};
	const char *sysroot = NULL;
	struct tl_err e = {0};
	struct tl_path p;
	struct plan pl;
	bool json = false;
	int r;

	r = plan_opts(ctx, argc, argv, &req, &sysroot, &json);
	if (r >= 0)
		return r;
	if (tl_path_init(&p, sysroot, &e) < 0) {
		fprintf(stderr, "%s plan: %s\n", ctx->prog, e.msg);
		return TL_EXIT_CANNOT_RUN;
	}
	r = plan_make(&p, &req, &pl, &e);
	tl_path_fini(&p);
	if (r < 0) {
		fprintf(stderr, "%s plan: %s\n", ctx->prog, e.msg);
		return r == -EINVAL ? TL_EXIT_FAIL : TL_EXIT_CANNOT_RUN;
	}
	if (json) {
		char *text = plan_to_json(&pl);

		puts(text ? text : "{}");
		free(text);
	} else {
		plan_print(&pl);
	}
	return TL_EXIT_OK;
}
