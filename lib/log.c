// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "log.h"

#define LOG_FIELDS_MAX 32

/* systemd sets JOURNAL_STREAM=dev:ino of the stream it connected to stderr. */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return st.st_dev == dev && st.st_ino == ino;
}

void tl_log_init(struct tl_logger *l, const char *ident, bool verbose)
{
	const char *nc = getenv("NO_COLOR");

	l->ident = ident;
	l->journal = stderr_is_journal();
	l->color = !l->journal && isatty(STDERR_FILENO) && !(nc && *nc);
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

static void log_journal(int prio, const char *const *fields, const char *msg)
{
	struct iovec iov[LOG_FIELDS_MAX + 3];
	char pbuf[16], *mbuf;
	int n = 0;

	if (asprintf(&mbuf, "MESSAGE=%s", msg) < 0)
		return;
	snprintf(pbuf, sizeof(pbuf), "PRIORITY=%d", prio);
	iov[n++] = (struct iovec){ mbuf, strlen(mbuf) };
	iov[n++] = (struct iovec){ pbuf, strlen(pbuf) };
	for (int i = 0; fields && fields[i] && n < LOG_FIELDS_MAX + 2; i++)
		iov[n++] = (struct iovec){ (void *)fields[i], strlen(fields[i]) };
	sd_journal_sendv(iov, n);
	free(mbuf);
}

static void log_v(const struct tl_logger *l, int prio, const char *const *fields, const char *fmt,
		  va_list ap)
{
	char msg[2048];

	if (prio > l->max_prio)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (l->journal)
		log_journal(prio, fields, msg);
	else
		log_stderr(l, prio, fields, msg);
}

void tl_log(const struct tl_logger *l, int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(l, prio, NULL, fmt, ap);
	va_end(ap);
}

void tl_log_fields(const struct tl_logger *l, int prio, const char *const *fields,
		   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(l, prio, fields, fmt, ap);
	va_end(ap);
}
