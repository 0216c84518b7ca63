/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Process events from the kernel's netlink proc connector (NETLINK_CONNECTOR,
 * CN_IDX_PROC): fork, exec and comm changes, so the daemon applies a rule to
 * a process the moment it appears instead of at the next scan. The socket is
 * non-blocking; the daemon polls its fd and drains it with procevents_read().
 *
 * The connector needs a kernel with CONFIG_PROC_EVENTS and, before Linux 6.6,
 * CAP_NET_ADMIN. Without the capability the kernel acknowledges the
 * subscription with EPERM (ack_err); without the config nothing arrives, not
 * even the ack. Either way `confirmed` stays false and the caller keeps
 * scanning /proc.
 */
#ifndef TLBISO_PROCEVENTS_H
#define TLBISO_PROCEVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"

enum procevent_kind { PROCEVENT_FORK, PROCEVENT_EXEC, PROCEVENT_COMM };

struct procevent {
	enum procevent_kind kind;
	pid_t pid;	  /* thread-group id of the task concerned (the child for fork) */
	pid_t tid;	  /* its thread id: tid != pid for a new thread */
	pid_t parent_pid; /* fork only */
};

struct procevents {
	int fd;		    /* -1 when closed */
	bool confirmed;	    /* the kernel acknowledged the subscription */
	int ack_err;	    /* the errno of a refused subscription, 0 if none */
	unsigned long lost; /* receive-buffer overruns (ENOBUFS): rescan */
};

typedef void (*procevents_fn)(const struct procevent *ev, void *arg);

/* Open, bind and subscribe. -EPERM without CAP_NET_ADMIN. */
int procevents_open(struct procevents *pe, struct tl_err *e);

/*
 * Drain every message queued on the socket, calling fn for each fork, exec
 * and comm event. Returns the number of events delivered; an overrun counts
 * in pe->lost (the caller should rescan /proc), it is not an error.
 */
int procevents_read(struct procevents *pe, procevents_fn fn, void *arg, struct tl_err *e);

/* Parse one datagram (exposed for tests). Returns the number of events delivered. */
int procevents_parse(struct procevents *pe, const void *buf, size_t len, procevents_fn fn,
		     void *arg);

/* Unsubscribe (so the kernel stops generating events when nobody listens) and close. */
void procevents_close(struct procevents *pe);

#endif
