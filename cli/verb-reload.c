// SPDX-License-Identifier: GPL-2.0-or-later
/* tlbisoctl reload: make tlbisod reread its configuration (root only). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>

#include "ctlproto.h"
#include "daemon.h"
#include "verbs.h"

/* --help: to stdout, util-linux style. */
static void reload_usage(void)
{
	printf("Usage:\n"
	       " tlbisoctl reload [options]\n"
	       "\n"
	       "Make tlbisod reread its configuration file. A file with errors is refused\n"
	       "and the running configuration stays; the errors are printed.\n"
	       "\n"
	       "Options:\n"
	       "     --runtime-dir DIR   where tlbisod's socket is (default %s)\n"
	       " -h, --help              display this help\n"
	       "\n"
	       "Exit status: 0 reloaded, 1 refused (config errors, or not root), 2 usage\n"
	       "error, 3 tlbisod is not running or cannot be reached.\n",
	       TLBISOD_RUNTIME_DIR);
}

int verb_reload(struct verb_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"runtime-dir", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *rundir = TLBISOD_RUNTIME_DIR;
	json_object *reply = NULL, *ok, *err;
	struct tl_err e = {0};
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'r')
			rundir = optarg;
		else if (c == 'h')
			return reload_usage(), TL_EXIT_OK;
		else
			return verb_usage_error(ctx, "reload", "unknown option");
	}
	if (optind < argc)
		return verb_usage_error(ctx, "reload", "unexpected argument '%s'", argv[optind]);
	r = ctl_call(rundir, CTL_CMD_RELOAD, 10000, &reply, &e);
	if (r < 0)
		return verb_ctl_call_error(ctx, rundir, &e, r);
	json_object_object_get_ex(reply, "ok", &ok);
	if (!json_object_get_boolean(ok)) {
		json_object_object_get_ex(reply, "error", &err);
		fprintf(stderr, "%s reload: refused: %s%s", ctx->prog,
			err ? json_object_get_string(err) : "?", "\n");
		json_object_put(reply);
		return TL_EXIT_FAIL;
	}
	printf("tlbisod reloaded its configuration\n");
	json_object_put(reply);
	return TL_EXIT_OK;
}
