// SPDX-License-Identifier: GPL-2.0-or-later
/* tlbisoctl restore: replay the restore journal by hand, without the daemon. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>

#include "rjournal.h"
#include "verbs.h"

#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run"
#endif

/* --help: to stdout, exit 0 (util-linux style). */
static void restore_usage(void)
{
	fputs("Usage:\n"
	      " tlbisoctl restore [--runtime-dir DIR] [--sysroot DIR]\n"
	      "\n"
	      "Put back every value the housekeeping of tlbisod changed, from its restore\n"
	      "journal, in reverse order, and remove the journal. A value someone else\n"
	      "changed since is left alone and reported. Do not run it while tlbisod runs\n"
	      "with housekeeping on: stop the daemon, which restores by itself.\n"
	      "\n"
	      "Options:\n"
	      "     --runtime-dir DIR where the journal is (default " RUNSTATEDIR "/tlbiso)\n"
	      "     --sysroot DIR     the files to restore are under DIR\n"
	      " -h, --help            display this help\n"
	      "\n"
	      "Exit status: 0 restored (or nothing to do), 1 some values could not be restored,\n"
	      "3 the journal could not be read.\n",
	      stdout);
}

/* Print the notes of a restore, one per line. */
static void restore_print(const struct hk_report *rep)
{
	for (int i = 0; i < rep->n; i++)
		printf("%-9s %s: %s\n", hk_note_kind_name(rep->items[i].kind), rep->items[i].what,
		       rep->items[i].msg);
}

int verb_restore(struct verb_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"runtime-dir", required_argument, NULL, 'R'},
		{"sysroot", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *run = RUNSTATEDIR "/tlbiso", *sysroot = NULL;
	struct hk_report rep = {0};
	struct tl_err e = {0};
	struct tl_path p;
	int c, r;

	opterr = 0; /* our own message, in the util-linux form */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return restore_usage(), TL_EXIT_OK;
		else if (c == 'R')
			run = optarg;
		else if (c == 'S')
			sysroot = optarg;
		else
			return verb_usage_error(ctx, "restore",
						"unrecognized option or missing argument: '%s'",
						argv[optind - 1]);
	}
	if (optind < argc)
		return verb_usage_error(ctx, "restore", "unexpected argument '%s'", argv[optind]);
	if (tl_path_init(&p, sysroot, &e) < 0) {
		fprintf(stderr, "%s restore: %s\n", ctx->prog, e.msg);
		return TL_EXIT_CANNOT_RUN;
	}
	if (!rj_exists(run))
		printf("no journal in %s: nothing to restore\n", run);
	r = rj_restore(run, &p, hk_io_default(), &rep, &e);
	tl_path_fini(&p);
	restore_print(&rep);
	if (r < 0)
		fprintf(stderr, "%s restore: %s\n", ctx->prog, e.msg);
	c = r < 0 ? TL_EXIT_CANNOT_RUN : rep.count[HK_NOTE_ERROR] ? TL_EXIT_FAIL : TL_EXIT_OK;
	hk_report_free(&rep);
	return c;
}
