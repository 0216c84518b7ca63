/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who a task is, for naming the sender of an IPI: its thread-group id, its
 * comm, and the systemd unit its cgroup belongs to (from /proc/PID/cgroup).
 * Read through the path context, so tests can give a fixture /proc.
 */
#ifndef TLBISO_TASKID_H
#define TLBISO_TASKID_H

#include <sys/types.h>

#include "err.h"
#include "path.h"

#define TASKID_COMM_MAX 16
#define TASKID_UNIT_MAX 128

struct taskid {
	pid_t tid;
	pid_t pid;			/* thread-group id; == tid when unknown */
	char comm[TASKID_COMM_MAX + 1]; /* "" when the task has exited */
	char unit[TASKID_UNIT_MAX];	/* "foo.service", "session-2.scope", or "" */
};

/*
 * Fill id for tid. tid 0 is the idle task or interrupt context ("<idle>").
 * -ENOENT when the task is gone (id->pid = tid, comm and unit empty).
 */
int taskid_read(const struct tl_path *p, pid_t tid, struct taskid *id, struct tl_err *e);

/* The unit from the text of /proc/PID/cgroup: the last ".service" or ".scope" component. */
void taskid_unit_from_cgroup(const char *text, char *unit, size_t unitsz);

#endif
