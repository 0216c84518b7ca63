/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What an apply, a drift re-apply or a restore did, as a list of notes that
 * the edges (the daemon loop, tlbisoctl) log or print. lib/ never prints, so
 * every outcome worth a log line travels up in one of these.
 */
#ifndef TLBISO_HK_REPORT_H
#define TLBISO_HK_REPORT_H

#include <stdarg.h>

enum hk_note_kind {
	HK_NOTE_APPLIED,   /* a value was changed (and journaled) */
	HK_NOTE_UNMOVABLE, /* managed or per-CPU IRQ (EIO), PF_NO_SETAFFINITY task (EINVAL) */
	HK_NOTE_DRIFT,	   /* an IRQ appeared or was moved back: re-applied */
	HK_NOTE_RESTORED,  /* a journaled value was put back */
	HK_NOTE_FOREIGN,   /* changed by someone else since we set it: left alone */
	HK_NOTE_INFO,	   /* nothing changed, worth saying (knob already right, stalld seen) */
	HK_NOTE_WARN,	   /* coexistence conflict, invalid partition, knob unavailable */
	HK_NOTE_REFUSED,   /* a knob not applied because another tool owns it */
	HK_NOTE_ERROR,	   /* a write failed for another reason */
};

struct hk_note {
	enum hk_note_kind kind;
	char knob[24]; /* "irq_affinity", "journal", ... */
	char what[96]; /* the object: "irq 24 (nvme0q1)", "/proc/sys/vm/stat_interval" */
	char msg[256]; /* one line */
};

struct hk_report {
	int n, cap;
	struct hk_note *items;
	int count[HK_NOTE_ERROR + 1]; /* notes per kind, kept even when the list is full */
};

/* Add a note; the list grows on the heap (bounded: notes past 65536 are counted only). */
void hk_report_add(struct hk_report *r, enum hk_note_kind kind, const char *knob, const char *what,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Forget the notes but keep the memory. */
void hk_report_reset(struct hk_report *r);
void hk_report_free(struct hk_report *r);

/* "applied", "unmovable", ... for logs and JSON. */
const char *hk_note_kind_name(enum hk_note_kind k);

#endif
