// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tlbisoctl latency: oslat on the isolated CPUs, with the interrupts that
 * hit each one during the run. The same measurement as check --latency,
 * on its own, as a table or JSON (tlbiso.latency/1).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "cpufeat.h"
#include "facts.h"
#include "latency.h"
#include "oslat.h"
#include "verbs.h"

struct latency_args {
	const char *config;
	bool json, force, have_cpus;
	struct cpuset cpus;
	int seconds;
};

static void latency_usage(FILE *out)
{
	fputs("Usage:\n"
	      " tlbisoctl latency [options]\n"
	      "\n"
	      "Run rt-tests' oslat on the isolated CPUs and report, per CPU, the minimum,\n"
	      "average and maximum latency, the verdict against latency.max_us (default 20),\n"
	      "and the interrupts that landed on that CPU during the run. oslat's main thread\n"
	      "runs on a housekeeping CPU. CPUs a workload occupies (a user task confined to\n"
	      "the isolated CPUs) are skipped unless --force is given.\n"
	      "\n"
	      "Options:\n"
	      " -c, --cpus LIST       CPUs to measure (default: isolated_cpus from the config,\n"
	      "                       else nohz_full, else isolated)\n"
	      " -d, --duration S      seconds to run oslat (default 10, at most 3600)\n"
	      "     --force           also measure CPUs that a workload occupies\n"
	      "     --config FILE     configuration file (default " TL_CONF_DEFAULT_PATH ")\n"
	      " -j, --json            JSON output (schema " LAT_SCHEMA ")\n"
	      " -h, --help            display this help\n"
	      "\n"
	      "Exit status:\n"
	      " 0  every measured CPU within latency.max_us (skipped CPUs do not fail)\n"
	      " 1  a CPU over latency.max_us\n"
	      " 2  usage or configuration error, no isolated CPUs, or oslat not installed\n"
	      " 3  could not run (oslat failed, /proc unreadable)\n",
	      out);
}

/* getopt_long loop; returns -1 to go on, else the exit status. */
static int latency_parse(struct verb_ctx *ctx, int argc, char **argv, struct latency_args *a)
{
	enum { OPT_CONFIG = 256, OPT_FORCE };
	static const struct option opts[] = {
		{"cpus", required_argument, NULL, 'c'},
		{"duration", required_argument, NULL, 'd'},
		{"force", no_argument, NULL, OPT_FORCE},
		{"config", required_argument, NULL, OPT_CONFIG},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:d:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (cpulist_parse(optarg, &a->cpus, NULL) < 0 || cpuset_empty(&a->cpus))
				return verb_usage_error(ctx, "latency", "invalid --cpus '%s'",
							optarg);
			a->have_cpus = true;
			break;
		case 'd':
			if (!verb_parse_seconds(optarg, &a->seconds))
				return verb_usage_error(
					ctx, "latency",
					"--duration wants 1..3600 seconds, not '%s'", optarg);
			break;
		case OPT_FORCE:
			a->force = true;
			break;
		case OPT_CONFIG:
			a->config = optarg;
			break;
		case 'j':
			a->json = true;
			break;
		case 'h':
			latency_usage(stdout);
			return TL_EXIT_OK;
		default:
			return verb_usage_error(ctx, "latency", "invalid option");
		}
	}
	if (optind < argc)
		return verb_usage_error(ctx, "latency", "unexpected argument '%s'", argv[optind]);
	return -1;
}

/* Load the config (see verb_load_config). */
static int latency_conf(struct verb_ctx *ctx, const struct latency_args *a, const struct tl_path *p,
		struct tl_config *conf)
{
	return verb_load_config(ctx, "latency", a->config, p, conf);
}

/* The CPUs to measure and the housekeeping ones, resolved like `check` does. */
static int latency_cpus(struct verb_ctx *ctx, const struct latency_args *a, const struct tl_path *p,
			const struct tl_config *conf, struct cpuset *iso, struct cpuset *hk)
{
	struct cpuid_source src;
	struct tl_facts f;
	struct tl_err e = {0};
	enum isol_origin o;

	cpuid_source_for_path(&src, p);
	if (facts_gather(&f, p, &src, &e) < 0) {
		fprintf(stderr, "%s latency: %s\n", ctx->prog, e.msg);
		return TL_EXIT_CANNOT_RUN;
	}
	if (a->have_cpus)
		o = facts_isolated_set(&f, &a->cpus, ISOL_CLI, iso, hk);
	else if (!conf->isolated.automatic)
		o = facts_isolated_set(&f, &conf->isolated.set, ISOL_CONFIG, iso, hk);
	else
		o = facts_isolated_set(&f, NULL, ISOL_NONE, iso, hk);
	facts_free(&f);
	if (o == ISOL_NONE || cpuset_empty(iso))
		return verb_usage_error(ctx, "latency",
					"no isolated CPUs (none in the config, nohz_full or "
					"isolated): give --cpus LIST");
	if (cpuset_empty(hk))
		return verb_usage_error(ctx, "latency",
					"no housekeeping CPU left for oslat's main thread");
	return -1;
}

/* One table row per CPU: figures, verdict, and the cause (interrupts or occupants). */
static void latency_text(const struct lat_report *r, const char *bin)
{
	char line[1024];

	printf("oslat %s (%s), %d s, main thread on CPU %d, threshold %g us\n",
	       r->version[0] ? r->version : "?", bin, r->seconds, r->main_cpu, r->max_us);
	printf("%-5s %9s %9s %11s  %-7s %s\n", "CPU", "min(us)", "avg(us)", "max(us)", "verdict",
	       "interrupts during the run");
	for (int i = 0; i < r->n; i++) {
		const struct lat_cpu *c = &r->cpus[i];
		const char *cause;

		latency_cpu_summary(c, r->max_us, line, sizeof(line));
		cause = strstr(line, c->verdict == LAT_SKIP ? "occupied" : "during the run: ");
		if (cause && c->verdict != LAT_SKIP)
			cause += strlen("during the run: ");
		if (c->verdict == LAT_SKIP)
			printf("%-5d %9s %9s %11s  %-7s %s\n", c->cpu, "-", "-", "-", "SKIP",
			       cause ? cause : "");
		else
			printf("%-5d %9.1f %9.2f %11.1f  %-7s %s\n", c->cpu, c->min_us, c->avg_us,
			       c->max_us, c->verdict == LAT_FAIL ? "FAIL" : "pass",
			       cause ? cause : "");
	}
	printf("\n%d CPUs: %d pass, %d fail, %d skipped\n", r->n, r->counts[LAT_PASS],
	       r->counts[LAT_FAIL], r->counts[LAT_SKIP]);
}

/* Find oslat, measure, print; returns the exit status. */
static int latency_do(struct verb_ctx *ctx, const struct latency_args *a, const struct tl_path *p,
		      const struct lat_options *lo_in)
{
	struct lat_options lo = *lo_in;
	struct lat_report r;
	struct tl_err e = {0};
	char bin[PATH_MAX];
	int rc;

	if (oslat_find(bin, sizeof(bin), &e) < 0) {
		fprintf(stderr, "%s latency: %s\n", ctx->prog, e.msg);
		return TL_EXIT_USAGE;
	}
	lo.oslat = bin;
	if (facts_pin_housekeeping(p, lo.cpus, &e) < 0)
		fprintf(stderr, "%s latency: %s\n", ctx->prog, e.msg);
	if (latency_measure(p, &lo, &r, &e) < 0) {
		fprintf(stderr, "%s latency: %s\n", ctx->prog, e.msg);
		return TL_EXIT_CANNOT_RUN;
	}
	if (a->json) {
		json_object *j = latency_report_json(&r, bin);

		puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
	} else {
		latency_text(&r, bin);
	}
	rc = r.counts[LAT_FAIL] ? TL_EXIT_FAIL : TL_EXIT_OK;
	latency_report_free(&r);
	return rc;
}

int verb_latency(struct verb_ctx *ctx, int argc, char **argv)
{
	struct latency_args a = {.seconds = LAT_DEFAULT_SECONDS};
	struct cpuset iso, hk;
	struct tl_config *conf;
	struct tl_path p;
	struct tl_err e = {0};
	int rc;

	rc = latency_parse(ctx, argc, argv, &a);
	if (rc >= 0)
		return rc;
	if (tl_path_init(&p, NULL, &e) < 0) {
		fprintf(stderr, "%s latency: %s\n", ctx->prog, e.msg);
		return TL_EXIT_CANNOT_RUN;
	}
	conf = malloc(sizeof(*conf));
	rc = conf ? latency_conf(ctx, &a, &p, conf) : TL_EXIT_CANNOT_RUN;
	if (rc < 0)
		rc = latency_cpus(ctx, &a, &p, conf, &iso, &hk);
	if (rc < 0) {
		struct lat_options lo = {.cpus = &iso,
					 .main_cpu = cpuset_next(&hk, 0),
					 .seconds = a.seconds,
					 .max_us = conf->latency.max_us,
					 .force = a.force};

		rc = latency_do(ctx, &a, &p, &lo);
	}
	free(conf);
	tl_path_fini(&p);
	return rc;
}
