/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one logging module. Under systemd (JOURNAL_STREAM matches stderr) it
 * sends structured entries to the journal; otherwise it writes
 * "tlbisod: warning: ..." to stderr, coloured only on a tty without NO_COLOR.
 *
 * The logger is a value owned by main() and passed down; lib/ functions do not
 * log, they return errors.
 */
#ifndef TLBISO_LOG_H
#define TLBISO_LOG_H

#include <stdbool.h>
#include <syslog.h>

struct tl_logger {
	const char *ident;
	bool journal; /* send to the journal with fields */
	bool color;   /* ANSI colour on stderr */
	int max_prio; /* LOG_INFO normally, LOG_DEBUG with --verbose */
};

/* Decide the target from the environment; verbose enables LOG_DEBUG. */
void tl_log_init(struct tl_logger *l, const char *ident, bool verbose);

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
