// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hk-report.h"

#define HK_REPORT_MAX 65536

/* Grow by doubling: an apply on a large box reports thousands of IRQs. */
static int report_grow(struct hk_report *r)
{
	int cap = r->cap ? r->cap * 2 : 64;
	struct hk_note *n;

	if (r->cap >= HK_REPORT_MAX)
		return -1;
	n = realloc(r->items, (size_t)cap * sizeof(*n));
	if (!n)
		return -1;
	r->items = n;
	r->cap = cap;
	return 0;
}

void hk_report_add(struct hk_report *r, enum hk_note_kind kind, const char *knob, const char *what,
		   const char *fmt, ...)
{
	struct hk_note *n;
	va_list ap;

	if (!r)
		return;
	r->count[kind]++;
	if (r->n == r->cap && report_grow(r) < 0)
		return;
	n = &r->items[r->n++];
	n->kind = kind;
	snprintf(n->knob, sizeof(n->knob), "%s", knob ? knob : "");
	snprintf(n->what, sizeof(n->what), "%s", what ? what : "");
	va_start(ap, fmt);
	vsnprintf(n->msg, sizeof(n->msg), fmt, ap);
	va_end(ap);
}

void hk_report_reset(struct hk_report *r)
{
	r->n = 0;
	memset(r->count, 0, sizeof(r->count));
}

void hk_report_free(struct hk_report *r)
{
	free(r->items);
	memset(r, 0, sizeof(*r));
}

const char *hk_note_kind_name(enum hk_note_kind k)
{
	static const char *const names[] = {
		[HK_NOTE_APPLIED] = "applied", [HK_NOTE_UNMOVABLE] = "unmovable",
		[HK_NOTE_DRIFT] = "drift",     [HK_NOTE_RESTORED] = "restored",
		[HK_NOTE_FOREIGN] = "foreign", [HK_NOTE_INFO] = "info",
		[HK_NOTE_WARN] = "warning",    [HK_NOTE_REFUSED] = "refused",
		[HK_NOTE_ERROR] = "error",
	};

	return (unsigned)k <= HK_NOTE_ERROR ? names[k] : "?";
}
