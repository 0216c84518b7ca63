/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error reporting that travels up the call chain.
 *
 * Functions deep in lib/ never print. They fill a struct tl_err with the
 * errno-style cause and a message, and return a negative errno. Only the
 * edges (main, a CLI verb, the daemon loop) decide what to print.
 */
#ifndef TLBISO_ERR_H
#define TLBISO_ERR_H

#include <stdarg.h>

#define TL_ERR_MSG_MAX 512

struct tl_err {
	int code;		    /* positive errno, 0 when no error */
	char msg[TL_ERR_MSG_MAX];   /* human-readable cause, no trailing newline */
};

/* Record an error; returns -code so callers can "return tl_err_set(...)". */
int tl_err_set(struct tl_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like tl_err_set(), appending ": strerror(code)". */
int tl_err_sys(struct tl_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prepend context ("reading /proc/interrupts: ") to an error already set. */
void tl_err_prefix(struct tl_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline void tl_err_clear(struct tl_err *e)
{
	if (e) {
		e->code = 0;
		e->msg[0] = '\0';
	}
}

#endif
