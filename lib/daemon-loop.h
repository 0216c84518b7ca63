/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tlbisod's event loop: signals, the sampling timer, the control socket, the hook. */
#ifndef TLBISO_DAEMON_LOOP_H
#define TLBISO_DAEMON_LOOP_H

#include "daemon.h"

/*
 * Run until SIGTERM or SIGINT. Takes the first sample before READY=1; lost
 * is the start's deferral_regressed alert from the state file, or NULL.
 * Returns 0 after a clean stop, or -errno when the loop could not be set up
 * or the first sample failed.
 */
int tlbisod_run(struct tlbisod *d, const struct alert *lost, struct tl_err *e);

#endif
