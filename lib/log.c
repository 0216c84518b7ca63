// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

void tl_log_init(struct tl_logger *l, const char *ident, bool verbose)
{
	const char *nc = getenv("NO_COLOR");

	l->ident = ident;
	l->sink = NULL;
	l->sink_ctx = NULL;
	l->color = isatty(STDERR_FILENO) && !(nc && *nc);
	l->max_prio = verbose ? LOG_DEBUG : LOG_INFO;
}

static const char *prio_word(int prio)
{
	if (prio <= LOG_ERR)
		return "error";
	if (prio == LOG_WARNING)
		return "warning";
	if (prio == LOG_NOTICE)
		return "notice";
	if (prio == LOG_DEBUG)
		return "debug";
	return NULL;
}

static const char *prio_color(int prio)
{
	if (prio <= LOG_ERR)
		return "\033[1;31m";
	if (prio == LOG_WARNING)
		return "\033[1;33m";
	return "\033[1m";
}

static void log_stderr(const struct tl_logger *l, int prio, const char *const *fields,
		       const char *msg)
{
	const char *word = prio_word(prio);

	fprintf(stderr, "%s: ", l->ident);
	if (word)
		fprintf(stderr, "%s%s:%s ", l->color ? prio_color(prio) : "", word,
			l->color ? "\033[0m" : "");
	fputs(msg, stderr);
	if (fields && fields[0]) {
		fputs(" [", stderr);
		for (int i = 0; fields[i]; i++)
			fprintf(stderr, "%s%s", i ? " " : "", fields[i]);
		fputc(']', stderr);
	}
	fputc('\n', stderr);
}

static void log_v(const struct tl_logger *l, int prio, const char *const *fields, const char *fmt,
		  va_list ap)
{
	char msg[2048];

	if (prio > l->max_prio)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* A sink that cannot deliver (no journal listening) falls back to stderr. */
	if (!l->sink || l->sink(l->sink_ctx, prio, fields, msg) < 0)
		log_stderr(l, prio, fields, msg);
}

void tl_log(const struct tl_logger *l, int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(l, prio, NULL, fmt, ap);
	va_end(ap);
}

void tl_log_fields(const struct tl_logger *l, int prio, const char *const *fields, const char *fmt,
		   ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(l, prio, fields, fmt, ap);
	va_end(ap);
}
