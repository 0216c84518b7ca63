/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tlbisod's outputs: journal entries, the hook and the Prometheus textfile. */
#ifndef TLBISO_DAEMON_OUT_H
#define TLBISO_DAEMON_OUT_H

#include <stdint.h>

#include "alert.h"
#include "daemon.h"

/*
 * Journal entry for a raised or cleared alert: MESSAGE_ID per type,
 * TLBISO_ALERT, TLBISO_EVENT, TLBISO_CPU (a cpulist), TLBISO_SOURCE,
 * TLBISO_RATE, TLBISO_THRESHOLD, TLBISO_SEVERITY; priority by severity. A
 * raised IPI alert that attribution named senders for adds TLBISO_SENDER_*
 * and TLBISO_SENDERS (alertsender.h), and its message "from comm[pid] ...".
 */
void tlbisod_log_event(const struct tlbisod *d, const struct alert_event *ev);

/*
 * Run the configured hook for an event unless one is still running or the
 * rate limit forbids it: argv = [hook, "raised"|"cleared"], a fixed
 * environment (with the sender's variables, as in the journal), no shell.
 * The loop watches d->hook_pidfd and kills the hook at d->hook_deadline_ns.
 */
void tlbisod_run_hook(struct tlbisod *d, const struct alert_event *ev, uint64_t now_ns);

/* Write the Prometheus textfile atomically, when configured. */
void tlbisod_write_textfile(struct tlbisod *d);

#endif
