// SPDX-License-Identifier: GPL-2.0-or-later
/* tlbisoctl check: verify a node's isolation, live or on a snapshot. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "conf.h"
#include "render.h"
#include "verbs.h"

struct check_args {
	const char *sysroot, *config;
	bool json, no_color, verbose, have_cpus;
	struct cpuset cpus;
	int sample;
	int latency; /* --latency [SECONDS], 0 = not */
	bool force;
};

static void check_usage(FILE *out)
{
	fputs("Usage:\n"
	      " tlbisoctl check [options]\n"
	      "\n"
	      "Verify that the isolated CPUs are kept free of TLB-flush IPIs and other noise:\n"
	      "kernel command line, kernel config, CPU features, IRQ, workqueue and kthread\n"
	      "placement, irqbalance. Each check says pass, warn, fail or skip, and gives the\n"
	      "exact boot parameter, command or config line that fixes it.\n"
	      "\n"
	      "Options:\n"
	      "     --sysroot DIR     check a snapshot (tlbisoctl snapshot) instead of this "
	      "system\n"
	      " -c, --cpus LIST       the isolated CPUs (default: isolated_cpus from the config,\n"
	      "                       else nohz_full, else isolated)\n"
	      "     --config FILE     configuration file (default " TL_CONF_DEFAULT_PATH ")\n"
	      " -j, --json            JSON output (schema tlbiso.check/1)\n"
	      " -s, --sample SECONDS  also sample /proc/interrupts for SECONDS (live checks)\n"
	      " -l, --latency [SECONDS]\n"
	      "                       also run oslat (rt-tests) on the isolated CPUs for\n"
	      "                       SECONDS (default 10): one latency.max check per CPU,\n"
	      "                       judged against latency.max_us (default 20); a missing\n"
	      "                       oslat gives warn with the install command\n"
	      "     --force           with --latency, also measure CPUs a workload occupies\n"
	      "     --no-color        no colour (also: NO_COLOR set, or not a terminal)\n"
	      " -v, --verbose         show the evidence of every check\n"
	      " -h, --help            display this help\n"
	      "\n"
	      "Exit status:\n"
	      " 0  no check failed\n"
	      " 1  a check failed\n"
	      " 2  usage or configuration error\n"
	      " 3  could not run (sysroot or /proc unreadable)\n",
	      out);
}

/*
 * --latency takes an optional SECONDS, also as the next word ("--latency 5"),
 * which getopt_long only allows as "--latency=5": take a number that follows.
 */
static bool latency_arg(int argc, char **argv, int *out)
{
	const char *s = optarg;

	if (!s && optind < argc && argv[optind][0] >= '0' && argv[optind][0] <= '9')
		s = argv[optind++];
	if (!s) {
		*out = 10;
		return true;
	}
	return verb_parse_seconds(s, out);
}

/* getopt_long loop; returns -1 to go on, else the exit status. */
static int check_parse(struct verb_ctx *ctx, int argc, char **argv, struct check_args *a)
{
	enum { OPT_SYSROOT = 256, OPT_CONFIG, OPT_NO_COLOR, OPT_FORCE };
	static const struct option opts[] = {
		{"sysroot", required_argument, NULL, OPT_SYSROOT},
		{"cpus", required_argument, NULL, 'c'},
		{"config", required_argument, NULL, OPT_CONFIG},
		{"json", no_argument, NULL, 'j'},
		{"sample", required_argument, NULL, 's'},
		{"no-color", no_argument, NULL, OPT_NO_COLOR},
		{"latency", optional_argument, NULL, 'l'},
		{"force", no_argument, NULL, OPT_FORCE},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct tl_err e;
	int c;

	while ((c = getopt_long(argc, argv, "c:js:l::vh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_SYSROOT:
			a->sysroot = optarg;
			break;
		case 'c':
			if (cpulist_parse(optarg, &a->cpus, &e) < 0 || cpuset_empty(&a->cpus))
				return verb_usage_error(ctx, "check", "invalid --cpus '%s'",
							optarg);
			a->have_cpus = true;
			break;
		case OPT_CONFIG:
			a->config = optarg;
			break;
		case 'j':
			a->json = true;
			break;
		case 's':
			if (!verb_parse_seconds(optarg, &a->sample))
				return verb_usage_error(ctx, "check",
							"--sample wants 1..3600 seconds, not '%s'",
							optarg);
			break;
		case OPT_NO_COLOR:
			a->no_color = true;
			break;
		case 'l':
			if (!latency_arg(argc, argv, &a->latency))
				return verb_usage_error(ctx, "check",
							"--latency wants 1..3600 seconds");
			break;
		case OPT_FORCE:
			a->force = true;
			break;
		case 'v':
			a->verbose = true;
			break;
		case 'h':
			check_usage(stdout);
			return TL_EXIT_OK;
		default:
			return verb_usage_error(ctx, "check", "invalid option");
		}
	}
	if (optind < argc)
		return verb_usage_error(ctx, "check", "unexpected argument '%s'", argv[optind]);
	if (a->force && !a->latency)
		return verb_usage_error(ctx, "check", "--force only applies to --latency");
	return -1;
}

/* Load the config (see verb_load_config). */
static int check_load_conf(struct verb_ctx *ctx, const struct check_args *a, const struct tl_path *p,
		struct tl_config *conf)
{
	return verb_load_config(ctx, "check", a->config, p, conf);
}

/* Gather, judge and print; returns the exit status. */
static int check_do(struct verb_ctx *ctx, const struct check_args *a, const struct tl_path *p,
		    const struct tl_config *conf)
{
	struct check_options o = {.sample_seconds = a->sample,
				  .thresholds = conf->monitor.threshold,
				  .latency_seconds = a->latency,
				  .latency_max_us = conf->latency.max_us,
				  .latency_force = a->force};
	struct render_opts ro = {.verbose = a->verbose};
	struct cpuid_source src;
	struct check_report r;
	struct tl_facts f;
	struct tl_err e = {0};
	int rc;

	if (a->have_cpus)
		o.cpus = &a->cpus;
	else if (!conf->isolated.automatic)
		o.conf_cpus = &conf->isolated.set;
	/* Run on housekeeping CPUs only; failing to move is worth a word, not an abort. */
	if (facts_pin_housekeeping(p, o.cpus ? o.cpus : o.conf_cpus, &e) < 0)
		fprintf(stderr, "%s check: %s\n", ctx->prog, e.msg);
	cpuid_source_for_path(&src, p);
	if (facts_gather(&f, p, &src, &e) < 0) {
		fprintf(stderr, "%s check: %s\n", ctx->prog, e.msg);
		return TL_EXIT_CANNOT_RUN;
	}
	if (check_run(&f, p, &o, &r, &e) < 0) {
		facts_free(&f);
		fprintf(stderr, "%s check: %s\n", ctx->prog, e.msg);
		return TL_EXIT_CANNOT_RUN;
	}
	if (a->json) {
		json_object *j = render_check_json(&f, &r);

		puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
	} else {
		ro.color = render_want_color(STDOUT_FILENO, a->no_color);
		render_check_text(stdout, &f, &r, &ro);
	}
	rc = check_report_exit(&r) ? TL_EXIT_FAIL : TL_EXIT_OK;
	check_report_free(&r);
	facts_free(&f);
	return rc;
}

int verb_check(struct verb_ctx *ctx, int argc, char **argv)
{
	struct check_args a = {0};
	struct tl_config *conf;
	struct tl_path p;
	struct tl_err e = {0};
	int rc;

	rc = check_parse(ctx, argc, argv, &a);
	if (rc >= 0)
		return rc;
	if (tl_path_init(&p, a.sysroot, &e) < 0) {
		fprintf(stderr, "%s check: %s\n", ctx->prog, e.msg);
		return TL_EXIT_CANNOT_RUN;
	}
	conf = malloc(sizeof(*conf));
	if (!conf) {
		tl_path_fini(&p);
		return TL_EXIT_CANNOT_RUN;
	}
	rc = check_load_conf(ctx, &a, &p, conf);
	if (rc < 0) {
		rc = check_do(ctx, &a, &p, conf);
		conf_free(conf); /* loaded: it may own workload rules */
	}
	free(conf);
	tl_path_fini(&p);
	return rc;
}
