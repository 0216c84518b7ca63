/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The senders an alert names when IPI attribution is on: which IPI classes
 * each alert is about, and the same few senders rendered for the journal
 * fields, the hook's environment, the message text and the status JSON.
 * Pure functions, so the formats are unit-tested without a kernel.
 */
#ifndef TLBISO_ALERTSENDER_H
#define TLBISO_ALERTSENDER_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "alert.h"
#include "ipiagg.h"

#define ALERTSENDER_MAX 3
/* "KEY=value" assignments: TLBISO_SENDER_{COMM,PID,UNIT,CALLSITE,CLASS,COUNT} and TLBISO_SENDERS.
 */
#define ALERTSENDER_VARS    7
#define ALERTSENDER_VAR_MAX 384

struct alert_senders {
	size_t n;
	struct ipi_sender s[ALERTSENDER_MAX];
};

/*
 * The IPI classes behind an alert of this type and source (IPI_CLASS_BIT()s),
 * or 0 when the alert is not about IPIs (tick, device IRQs, a state-file
 * deferral_regressed, intruders) and names no sender.
 */
unsigned alertsender_class_mask(enum alert_type type, int source);

/* "comm[pid] (unit) via callsite"; unit and callsite only when known. */
void alertsender_describe(const struct ipi_sender *s, char *out, size_t outsz);

/* "comm[pid]:class:count ..." of every sender, space separated (comm spaces as '_'). */
void alertsender_list(const struct alert_senders *as, char *out, size_t outsz);

/*
 * The assignments of the top sender and the list, into out (at least
 * ALERTSENDER_VARS rows); returns how many (0 when as is NULL or empty).
 * The same strings are journal fields and hook environment entries.
 */
int alertsender_vars(const struct alert_senders *as, char (*out)[ALERTSENDER_VAR_MAX]);

/* [{"pid","tid","comm","unit","callsite","callback","class","count","target_cpu"}]. */
json_object *alertsender_json(const struct alert_senders *as);

#endif
