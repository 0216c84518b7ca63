/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * systemd's service notification protocol, spoken directly: one datagram of
 * "KEY=value\n" lines to the AF_UNIX socket named by $NOTIFY_SOCKET, and the
 * watchdog settings from $WATCHDOG_USEC and $WATCHDOG_PID. Both are stable,
 * documented interfaces (sd_notify(3), sd_watchdog_enabled(3)); implementing
 * them here keeps libsystemd and the compression and crypto libraries it
 * loads out of the daemon. The caller passes the environment values in
 * (getenv at the call site) and nothing is unset: the daemon keeps notifying.
 */
#ifndef TLBISO_SDNOTIFY_H
#define TLBISO_SDNOTIFY_H

#include <stdint.h>
#include <sys/types.h>

/*
 * Send state ("READY=1\nSTATUS=...") to the socket named socket_env, a path
 * or, with a leading '@', an abstract name. Returns 1 when sent, 0 when
 * socket_env is NULL or empty (not run by systemd), or a negative errno.
 */
int tl_sd_notify(const char *socket_env, const char *state);

/* tl_sd_notify with a printf format; -EMSGSIZE when the state exceeds 4 KiB. */
int tl_sd_notifyf(const char *socket_env, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Whether systemd expects WATCHDOG=1 from process self, as
 * sd_watchdog_enabled(3): 0 when usec_env is unset or pid_env names another
 * process, 1 with *usec set when enabled, -EINVAL when either value is not a
 * positive decimal integer.
 */
int tl_sd_watchdog(const char *usec_env, const char *pid_env, pid_t self, uint64_t *usec);

#endif
