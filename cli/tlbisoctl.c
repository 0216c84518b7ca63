// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tlbisoctl: the command-line side of tlbiso. main() only dispatches to a
 * verb; all the work happens in lib/ through the verb files.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verbs.h"

static const struct verb verbs[] = {
	{ "check", verb_check, "verify the isolation of this node (or of a snapshot)" },
	{ "interrupts", verb_interrupts, "print /proc/interrupts as tlbiso parses it" },
	{ "snapshot", verb_snapshot, "copy the files tlbiso reads into a directory" },
	{ "status", verb_status, "show tlbisod's state, rates and alerts" },
	{ "reload", verb_reload, "make tlbisod reread its configuration" },
	{ "latency", verb_latency, "oslat latency on the isolated CPUs, and what caused it" },
	{ "plan", verb_plan, "propose the isolated and housekeeping CPUs" },
	{ "bootargs", verb_bootargs, "compute and apply the isolation boot parameters" },
	{ "restore", verb_restore, "put back every value housekeeping changed" },
	{ "run", verb_run, "run a program on isolated CPUs with its policies set" },
	{ "trace", verb_trace, "name the senders of IPIs to isolated CPUs (tracefs)" },
	{ "top", verb_top, "live view of the interrupts reaching the isolated CPUs" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *out)
{
	fputs("Usage:\n"
	      " tlbisoctl <verb> [options]\n"
	      "\n"
	      "Verify, monitor and apply CPU isolation against TLB-flush and other IPIs.\n"
	      "\n"
	      "Verbs:\n",
	      out);
	for (const struct verb *v = verbs; v->name; v++)
		fprintf(out, " %-12s %s\n", v->name, v->summary);
	fputs("\n"
	      "Options:\n"
	      " -h, --help     display this help\n"
	      " -V, --version  display version\n"
	      "\n"
	      "Run 'tlbisoctl <verb> --help' for the options of a verb.\n"
	      "\n"
	      "Exit status:\n"
	      " 0  success (check: no check failed)\n"
	      " 1  a check failed, or the verb's work failed\n"
	      " 2  usage or configuration error\n"
	      " 3  could not run (/proc unreadable, daemon not running)\n"
	      " run exits as env(1) does: 125, 126, 127, else the status of the command\n",
	      out);
}

int verb_usage_error(const struct verb_ctx *ctx, const char *verb, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s %s: ", ctx->prog, verb);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s %s --help' for more information.\n", ctx->prog, verb);
	return TL_EXIT_USAGE;
}

bool verb_parse_seconds(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > 3600)
		return false;
	*out = (int)v;
	return true;
}

int main(int argc, char **argv)
{
	struct verb_ctx ctx = { .prog = "tlbisoctl" };

	tl_log_init(&ctx.log, ctx.prog, getenv("TLBISO_DEBUG") != NULL);
	if (argc < 2) {
		usage(stderr);
		return TL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return TL_EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("tlbisoctl %s\n", PACKAGE_VERSION);
		return TL_EXIT_OK;
	}
	for (const struct verb *v = verbs; v->name; v++)
		if (!strcmp(argv[1], v->name))
			return v->fn(&ctx, argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown verb '%s'\nTry '%s --help' for more information.\n", ctx.prog,
		argv[1], ctx.prog);
	return TL_EXIT_USAGE;
}
