// SPDX-License-Identifier: GPL-2.0-or-later
/* The config loading that several verbs share, and how its errors are shown. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>

#include "conf.h"
#include "verbs.h"

int verb_load_config(struct verb_ctx *ctx, const char *verb, const char *explicit_path,
		     const struct tl_path *p, struct tl_config *conf)
{
	struct conf_problems probs = {0};
	struct tl_err e = {0};
	char path[PATH_MAX], text[8192];
	int r;

	conf_defaults(conf);
	if (explicit_path)
		snprintf(path, sizeof(path), "%s", explicit_path);
	else
		tl_path_join(p, TL_CONF_DEFAULT_PATH, path, sizeof(path));
	/* An explicit --config must exist; the default one may be absent. */
	r = conf_load(conf, path, explicit_path == NULL, &probs, &e);
	if (r == -EINVAL && probs.n) {
		conf_problems_format(&probs, path, text, sizeof(text));
		fprintf(stderr, "%s", text);
		return TL_EXIT_USAGE;
	}
	if (r < 0) {
		fprintf(stderr, "%s %s: %s\n", ctx->prog, verb, e.msg);
		return TL_EXIT_USAGE;
	}
	return -1;
}
