/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tlbisoctl verbs. Each verb lives in its own file cli/verb-<name>.c, parses
 * its own options with getopt_long, and returns the process exit status.
 */
#ifndef TLBISO_VERBS_H
#define TLBISO_VERBS_H

#include <stdbool.h>

#include "log.h"

/* Exit statuses shared by every verb (documented in tlbisoctl(8)). */
enum {
	TL_EXIT_OK = 0,		/* success, no check failed */
	TL_EXIT_FAIL = 1,	/* a check failed / an error in the work itself */
	TL_EXIT_USAGE = 2,	/* bad usage or a config error */
	TL_EXIT_CANNOT_RUN = 3, /* could not run: /proc unreadable, daemon not running */
};

struct verb_ctx {
	const char *prog; /* "tlbisoctl" */
	struct tl_logger log;
};

typedef int (*verb_fn)(struct verb_ctx *ctx, int argc, char **argv);

struct verb {
	const char *name;
	verb_fn fn;
	const char *summary; /* one line for the usage text */
};

/* The verbs, each in cli/verb-<name>.c. */
int verb_check(struct verb_ctx *ctx, int argc, char **argv);
int verb_interrupts(struct verb_ctx *ctx, int argc, char **argv);
int verb_snapshot(struct verb_ctx *ctx, int argc, char **argv);
int verb_latency(struct verb_ctx *ctx, int argc, char **argv);
/* Housekeeping verbs (cli/verb-plan.c, verb-bootargs.c, verb-restore.c). */
int verb_plan(struct verb_ctx *ctx, int argc, char **argv);
int verb_bootargs(struct verb_ctx *ctx, int argc, char **argv);
int verb_restore(struct verb_ctx *ctx, int argc, char **argv);
int verb_run(struct verb_ctx *ctx, int argc, char **argv);

/* Print "tlbisoctl VERB: try 'tlbisoctl VERB --help'." on stderr; returns TL_EXIT_USAGE. */
int verb_usage_error(const struct verb_ctx *ctx, const char *verb, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Verbs talking to tlbisod (cli/verb-status.c, cli/verb-reload.c). */
int verb_status(struct verb_ctx *ctx, int argc, char **argv);
int verb_reload(struct verb_ctx *ctx, int argc, char **argv);

struct tl_err;
/* Explain a failed control-socket call (not running, not allowed); returns TL_EXIT_CANNOT_RUN. */
int verb_ctl_call_error(const struct verb_ctx *ctx, const char *runtime_dir,
			const struct tl_err *e, int code);

/* IPI attribution and the live view (cli/verb-trace.c, cli/verb-top.c). */
int verb_trace(struct verb_ctx *ctx, int argc, char **argv);
int verb_top(struct verb_ctx *ctx, int argc, char **argv);

/* A positive number of seconds, at most an hour (--sample, --duration, --latency). */
bool verb_parse_seconds(const char *s, int *out);

struct tl_config;
struct tl_path;

/*
 * Load the config for a verb: explicit_path (--config) must exist, the
 * default under the sysroot may be absent. Prints every file:line problem;
 * returns -1 on success, else the exit status (TL_EXIT_USAGE).
 */
int verb_load_config(struct verb_ctx *ctx, const char *verb, const char *explicit_path,
		     const struct tl_path *p, struct tl_config *conf);

#endif
