/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one logging module. It writes "tlbisod: warning: ..." to stderr,
 * coloured only on a tty without NO_COLOR. A program that wants structured
 * journal entries when systemd runs it calls tl_log_use_journal()
 * (log-journal.c, journald's native protocol spoken directly, without
 * libsystemd): only the daemon does.
 *
 * The logger is a value owned by main() and passed down; lib/ functions do not
 * log, they return errors.
 */
#ifndef TLBISO_LOG_H
#define TLBISO_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

#include "buf.h"

/*
 * Sends one entry with its "KEY=value" fields (NULL-terminated) somewhere else
 * than stderr. Returns 0 when the sink took it (sent, or dropped and counted),
 * a negative errno when the entry should go to stderr instead.
 */
typedef int tl_log_sink(void *ctx, int prio, const char *const *fields, const char *msg);

struct tl_logger {
	const char *ident;
	tl_log_sink *sink; /* the journal, or NULL for stderr */
	void *sink_ctx;	   /* the sink's state, owned by the caller of tl_log_use_journal */
	bool color;	   /* ANSI colour on stderr */
	int max_prio;	   /* LOG_INFO normally, LOG_DEBUG with --verbose */
};

/* Log to stderr; verbose enables LOG_DEBUG. */
void tl_log_init(struct tl_logger *l, const char *ident, bool verbose);

/* The default socket of journald's native protocol. */
#define TL_JOURNAL_SOCKET "/run/systemd/journal/socket"

/*
 * The journal sink's state: one datagram socket, opened at the first entry,
 * non-blocking so that a journal that is backed up never stalls the daemon.
 */
struct tl_journal {
	const char *path;      /* the socket: TL_JOURNAL_SOCKET, or a test's */
	int fd;		       /* -1 until the first entry */
	struct tl_buf payload; /* the serialized entry, reused */
	unsigned long sent;    /* entries delivered, as datagrams or as a memfd */
	unsigned long dropped; /* entries lost: the journal was backed up or refused them */
};

/* Set up the sink for path (NULL: TL_JOURNAL_SOCKET); nothing is opened yet. */
void tl_journal_init(struct tl_journal *j, const char *path);
void tl_journal_close(struct tl_journal *j);

/*
 * Send one entry (MESSAGE=, PRIORITY= and fields) in journald's native
 * protocol. Returns 0 when sent or dropped (counted), or -ENOENT, -ENOTDIR
 * or -ECONNREFUSED when no journal listens there (the logger then writes
 * stderr).
 */
int tl_journal_send(struct tl_journal *j, int prio, const char *const *fields, const char *msg);

/*
 * Send structured entries to the journal j instead when systemd connected
 * stderr to it (JOURNAL_STREAM matches). Returns whether it does. j must
 * outlive the logger's use.
 */
bool tl_log_use_journal(struct tl_logger *l, struct tl_journal *j);

void tl_log(const struct tl_logger *l, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * A structured entry: fields is a NULL-terminated array of "KEY=value"
 * strings (MESSAGE_ID=..., TLBISO_CPU=...). On stderr the fields are
 * appended as " [KEY=value ...]" so that nothing is lost without a journal.
 */
void tl_log_fields(const struct tl_logger *l, int prio, const char *const *fields,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
