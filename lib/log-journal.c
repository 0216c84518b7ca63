// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The journal side of the logger, kept apart from log.c so that only the
 * programs that ask for it link libsystemd.
 */
#include "config.h"

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

/* One entry with MESSAGE=, PRIORITY= and the caller's fields, all in one datagram. */
static void log_journal(int prio, const char *const *fields, const char *msg)
{
	struct iovec iov[LOG_FIELDS_MAX + 3];
	char pbuf[16], *mbuf;
	int n = 0;

	if (asprintf(&mbuf, "MESSAGE=%s", msg) < 0)
		return;
	snprintf(pbuf, sizeof(pbuf), "PRIORITY=%d", prio);
	iov[n++] = (struct iovec){mbuf, strlen(mbuf)};
	iov[n++] = (struct iovec){pbuf, strlen(pbuf)};
	for (int i = 0; fields && fields[i] && n < LOG_FIELDS_MAX + 2; i++)
		iov[n++] = (struct iovec){(void *)fields[i], strlen(fields[i])};
	sd_journal_sendv(iov, n);
	free(mbuf);
}

bool tl_log_use_journal(struct tl_logger *l)
{
	if (!stderr_is_journal())
		return false;
	l->sink = log_journal;
	l->color = false;
	return true;
}
