// SPDX-License-Identifier: GPL-2.0-or-later
/* tlbisoctl interrupts: print /proc/interrupts as tlbiso parses it. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>

#include "interrupts.h"
#include "render.h"
#include "verbs.h"

static void interrupts_usage(FILE *out)
{
	fputs("Usage:\n"
	      " tlbisoctl interrupts [options]\n"
	      "\n"
	      "Print /proc/interrupts as tlbiso parses it: one column per online CPU, named\n"
	      "arch rows (TLB, CAL, ...), numbered IRQs, and global rows (ERR, MIS).\n"
	      "\n"
	      "Options:\n"
	      "     --sysroot DIR  read a snapshot instead of this system\n"
	      " -j, --json         JSON output\n"
	      " -h, --help         display this help\n"
	      "\n"
	      "Exit status:\n"
	      " 0  success\n"
	      " 2  usage error\n"
	      " 3  could not run (/proc/interrupts unreadable or malformed)\n",
	      out);
}

int verb_interrupts(struct verb_ctx *ctx, int argc, char **argv)
{
	enum { OPT_SYSROOT = 256 };
	static const struct option opts[] = {
		{"sysroot", required_argument, NULL, OPT_SYSROOT},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *sysroot = NULL;
	struct irq_table t;
	struct tl_path p;
	struct tl_err e = {0};
	bool json = false;
	int c, rc = TL_EXIT_OK;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		if (c == OPT_SYSROOT)
			sysroot = optarg;
		else if (c == 'j')
			json = true;
		else if (c == 'h')
			return interrupts_usage(stdout), TL_EXIT_OK;
		else
			return verb_usage_error(ctx, "interrupts", "invalid option");
	}
	if (optind < argc)
		return verb_usage_error(ctx, "interrupts", "unexpected argument '%s'",
					argv[optind]);
	if (tl_path_init(&p, sysroot, &e) < 0) {
		fprintf(stderr, "%s interrupts: %s\n", ctx->prog, e.msg);
		return TL_EXIT_CANNOT_RUN;
	}
	irq_table_init(&t);
	if (irq_table_read(&t, &p, &e) < 0) {
		fprintf(stderr, "%s interrupts: %s\n", ctx->prog, e.msg);
		rc = TL_EXIT_CANNOT_RUN;
	} else if (json) {
		json_object *j = render_interrupts_json(&t);

		puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
		json_object_put(j);
	} else {
		render_interrupts_text(stdout, &t);
	}
	irq_table_free(&t);
	tl_path_fini(&p);
	return rc;
}
