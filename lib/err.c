// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

/* Format into e->msg; a NULL e is allowed so callers may not care. */
static void err_vformat(struct tl_err *e, int code, const char *fmt, va_list ap)
{
	if (!e)
		return;
	e->code = code;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int tl_err_set(struct tl_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vformat(e, code, fmt, ap);
	va_end(ap);
	return -code;
}

int tl_err_sys(struct tl_err *e, int code, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	err_vformat(e, code, fmt, ap);
	va_end(ap);
	if (e) {
		n = strlen(e->msg);
		snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(code));
	}
	return -code;
}

void tl_err_prefix(struct tl_err *e, const char *fmt, ...)
{
	char old[TL_ERR_MSG_MAX];
	va_list ap;
	int n;

	if (!e)
		return;
	memcpy(old, e->msg, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - n, "%s", old);
}
