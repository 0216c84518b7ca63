// SPDX-License-Identifier: GPL-2.0-or-later
/* tlbisoctl bootargs: the isolation boot parameters, their diff, and --apply. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "bootargs.h"
#include "plan.h"
#include "topo.h"
#include "verbs.h"

struct ba_args {
	const char *cpus, *sysroot;
	bool apply, json, bl_given;
	enum bootloader bl;
	struct bootargs_opts o;
};

/* --help: to stdout, exit 0 (util-linux style). */
static void ba_usage(void)
{
	fputs("Usage:\n"
	      " tlbisoctl bootargs [--cpus LIST] [--apply] [--bootloader "
	      "grub|grubby|kernel-install]\n"
	      "                    [--with-rcu-nocb-poll] [--with-tsc-reliable] [--sysroot DIR] "
	      "[--json]\n"
	      "\n"
	      "Compute the boot parameters that isolate CPUs (nohz_full=, isolcpus=, rcu_nocbs=,\n"
	      "irqaffinity=, skew_tick=1), and show how they differ from /proc/cmdline.\n"
	      "Parameters other tools set are kept; ours replace every earlier instance of\n"
	      "the same key (of two isolcpus= the kernel silently takes the last).\n"
	      "\n"
	      "Options:\n"
	      " -c, --cpus LIST          the CPUs to isolate (default: what 'tlbisoctl plan' "
	      "proposes)\n"
	      " -a, --apply              write the bootloader configuration (default: dry run)\n"
	      " -b, --bootloader NAME    grub (drop-in + update-grub), grubby, kernel-install\n"
	      "                          (default: detected)\n"
	      "     --with-rcu-nocb-poll add rcu_nocb_poll (rcuo threads poll; costs housekeeping "
	      "time)\n"
	      "     --with-tsc-reliable  add tsc=reliable (only when the TSC is known stable)\n"
	      "     --sysroot DIR        read and write under DIR instead of /\n"
	      " -j, --json               JSON output (schema tlbiso.bootargs/1)\n"
	      " -h, --help               display this help\n"
	      "\n"
	      "Nothing takes effect before the next boot; when to reboot is your decision.\n",
	      stdout);
}

/* Parse options; returns an exit status, or -1 to go on. */
static int ba_opts(struct verb_ctx *ctx, int argc, char **argv, struct ba_args *a)
{
	static const struct option opts[] = {
		{"cpus", required_argument, NULL, 'c'},
		{"apply", no_argument, NULL, 'a'},
		{"bootloader", required_argument, NULL, 'b'},
		{"with-rcu-nocb-poll", no_argument, NULL, 'P'},
		{"with-tsc-reliable", no_argument, NULL, 'T'},
		{"sysroot", required_argument, NULL, 'S'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	opterr = 0; /* our own message, in the util-linux form */
	while ((c = getopt_long(argc, argv, "c:ab:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			ba_usage();
			return TL_EXIT_OK;
		case 'c':
			a->cpus = optarg;
			break;
		case 'a':
			a->apply = true;
			break;
		case 'P':
			a->o.rcu_nocb_poll = true;
			break;
		case 'T':
			a->o.tsc_reliable = true;
			break;
		case 'S':
			a->sysroot = optarg;
			break;
		case 'j':
			a->json = true;
			break;
		case 'b':
			if (bootloader_parse(optarg, &a->bl) < 0)
				return verb_usage_error(ctx, "bootargs",
							"unknown bootloader '%s' (allowed: grub, "
							"grubby, kernel-install)",
							optarg);
			a->bl_given = true;
			break;
		default:
			return verb_usage_error(ctx, "bootargs",
						"unrecognized option or missing argument: '%s'",
						argv[optind - 1]);
		}
	}
	if (optind < argc)
		return verb_usage_error(ctx, "bootargs", "unexpected argument '%s'", argv[optind]);
	return -1;
}

/* The sets: --cpus (housekeeping = the other possible CPUs), else the plan. */
static int ba_sets(const struct tl_path *p, struct ba_args *a, struct tl_err *e)
{
	struct topology *t;
	struct plan pl;
	struct plan_request req = {.mode = PLAN_MINIMAL};
	int r;

	if (!a->cpus) {
		r = plan_make(p, &req, &pl, e);
		a->o.isolated = pl.isolated;
		a->o.housekeeping = pl.housekeeping;
		cpuset_or(&a->o.housekeeping, &a->o.housekeeping, &pl.offline);
		return r;
	}
	if (cpulist_parse(a->cpus, &a->o.isolated, e) < 0)
		return -EINVAL;
	t = malloc(sizeof(*t));
	if (!t)
		return tl_err_set(e, ENOMEM, "out of memory");
	r = topo_read(t, p, e);
	if (r == 0)
		cpuset_andnot(&a->o.housekeeping, &t->possible, &a->o.isolated);
	free(t);
	return r;
}

/* Human output: parameters with reasons, the diff, the new line, the steps. */
static void ba_print(const struct bootargs *b, const struct ba_diff *d, const struct ba_args *a,
		     const char *how, const struct ba_steps *s)
{
	char tok[BA_VALUE_MAX + 40];

	puts("Boot parameters:");
	for (int i = 0; i < b->n; i++) {
		bootargs_token(&b->p[i], tok, sizeof(tok));
		printf("  %-36s %s\n", tok, b->p[i].reason);
	}
	puts("\nAgainst /proc/cmdline:");
	for (int i = 0; i < d->n; i++) {
		const struct ba_diff_item *it = &d->items[i];

		bootargs_token(&b->p[it->param], tok, sizeof(tok));
		if (it->change == BA_REPLACED)
			printf("  ~ replaced  %s -> %s\n", it->old, tok);
		else
			printf("  %c %-9s %s\n", it->change == BA_ADDED ? '+' : '=',
			       ba_change_name(it->change), tok);
	}
	printf("\nNew command line:\n  %s\n\nBootloader: %s (%s)\n", d->cmdline,
	       bootloader_name(a->bl), how);
	for (int i = 0; i < s->n; i++)
		printf("  %s %s\n", a->apply ? "done:" : "would", s->line[i]);
	puts(a->apply ? "\nWritten. The parameters take effect at the next boot; when to reboot "
			"is your decision."
		      : "\nDry run: nothing written. Run with --apply to write it.");
}

/* JSON output, schema tlbiso.bootargs/1. */
static void ba_print_json(const struct bootargs *b, const struct ba_diff *d,
			  const struct ba_args *a, const struct ba_steps *s)
{
	json_object *o = json_object_new_object(), *ps = json_object_new_array();
	json_object *ss = json_object_new_array();
	char tok[BA_VALUE_MAX + 40];

	json_object_object_add(o, "schema", json_object_new_string("tlbiso.bootargs/1"));
	cpulist_format(&a->o.isolated, tok, sizeof(tok));
	json_object_object_add(o, "isolated_cpus", json_object_new_string(tok));
	cpulist_format(&a->o.housekeeping, tok, sizeof(tok));
	json_object_object_add(o, "housekeeping_cpus", json_object_new_string(tok));
	for (int i = 0; i < b->n; i++) {
		json_object *p = json_object_new_object();

		bootargs_token(&b->p[i], tok, sizeof(tok));
		json_object_object_add(p, "token", json_object_new_string(tok));
		json_object_object_add(p, "reason", json_object_new_string(b->p[i].reason));
		json_object_object_add(p, "change",
				       json_object_new_string(ba_change_name(d->items[i].change)));
		json_object_object_add(p, "old", json_object_new_string(d->items[i].old));
		json_object_array_add(ps, p);
	}
	json_object_object_add(o, "params", ps);
	json_object_object_add(o, "cmdline", json_object_new_string(d->cmdline));
	json_object_object_add(o, "bootloader", json_object_new_string(bootloader_name(a->bl)));
	for (int i = 0; i < s->n; i++)
		json_object_array_add(ss, json_object_new_string(s->line[i]));
	json_object_object_add(o, "steps", ss);
	json_object_object_add(o, "applied", json_object_new_boolean(a->apply));
	json_object_object_add(o, "reboot_needed", json_object_new_boolean(true));
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* Compute, diff, detect, apply or describe. Returns an exit status. */
static int ba_run_verb(struct verb_ctx *ctx, const struct tl_path *p, struct ba_args *a)
{
	struct bootargs b;
	struct ba_diff *d = calloc(1, sizeof(*d));
	struct cmdline *cur = calloc(1, sizeof(*cur));
	struct ba_steps steps = {0};
	struct tl_err e = {0};
	char how[128] = "--bootloader";
	int r, status = TL_EXIT_OK;

	if (!d || !cur)
		return TL_EXIT_CANNOT_RUN;
	r = ba_sets(p, a, &e);
	if (r == 0)
		r = bootargs_compute(&a->o, &b, &e);
	if (r == 0 && cmdline_read(cur, p, &e) < 0)
		status = TL_EXIT_CANNOT_RUN;
	if (r == 0 && !status)
		r = bootargs_diff(&b, cur->raw, d, &e);
	if (r == 0 && !status && !a->bl_given)
		r = bootargs_detect(p, &a->bl, how, sizeof(how), &e);
	if (r == 0 && !status)
		r = bootargs_apply(p, a->bl, &b, d, !a->apply, &steps, &e);
	if (r == 0 && !status)
		a->json ? ba_print_json(&b, d, a, &steps) : ba_print(&b, d, a, how, &steps);
	else
		fprintf(stderr, "%s bootargs: %s\n", ctx->prog, e.msg);
	if (r == -EINVAL)
		status = TL_EXIT_USAGE;
	else if (r < 0)
		status = TL_EXIT_FAIL;
	free(d);
	free(cur);
	return status;
}

int verb_bootargs(struct verb_ctx *ctx, int argc, char **argv)
{
	struct ba_args a = {0};
	struct tl_err e = {0};
	struct tl_path p;
	int r;

	r = ba_opts(ctx, argc, argv, &a);
	if (r >= 0)
		return r;
	if (tl_path_init(&p, a.sysroot, &e) < 0) {
		fprintf(stderr, "%s bootargs: %s\n", ctx->prog, e.msg);
		return TL_EXIT_CANNOT_RUN;
	}
	r = ba_run_verb(ctx, &p, &a);
	tl_path_fini(&p);
	return r;
}
