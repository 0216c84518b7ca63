/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one logging module. It writes "tlbisod: warning: ..." to stderr,
 * coloured only on a tty without NO_COLOR. A program that wants structured
 * journal entries when systemd runs it calls tl_log_use_journal()
 * (log-journal.c): only the daemon does, so that tlbisoctl does not load
 * libsystemd and its compression and crypto libraries at every start.
 *
 * The logger is a value owned by main() and passed down; lib/ functions do not
 * log, they return errors.
 */
#ifndef TLBISO_LOG_H
#define TLBISO_LOG_H

#include <stdbool.h>
#include <syslog.h>

/* Sends one entry with its "KEY=value" fields (NULL-terminated) somewhere else than stderr. */
typedef void tl_log_sink(int prio, const char *const *fields, const char *msg);

struct tl_logger {
	const char *ident;
	tl_log_sink *sink; /* the journal, or NULL for stderr */
	bool color;	   /* ANSI colour on stderr */
	int max_prio;	   /* LOG_INFO normally, LOG_DEBUG with --verbose */
};

/* Log to stderr; verbose enables LOG_DEBUG. */
void tl_log_init(struct tl_logger *l, const char *ident, bool verbose);

/*
 * Send structured entries to the journal instead when systemd connected
 * stderr to it (JOURNAL_STREAM matches). Returns whether it does.
 */
bool tl_log_use_journal(struct tl_logger *l);

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
