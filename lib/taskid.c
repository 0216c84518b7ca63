// SPDX-License-Identifier: GPL-2.0-or-later
/* Naming a task: tgid, comm and systemd unit, for the sender of an IPI. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "taskid.h"

/* True when a path component names a systemd unit that a person can act on. */
static bool unit_like(const char *s, size_t n)
{
	static const char *const sfx[] = {".service", ".scope"};

	for (size_t i = 0; i < 2; i++) {
		size_t l = strlen(sfx[i]);

		if (n > l && !memcmp(s + n - l, sfx[i], l))
			return true;
	}
	return false;
}

/* Scan one cgroup path ("/system.slice/foo.service/sub") for the innermost unit. */
static void unit_from_path(const char *path, size_t len, char *unit, size_t unitsz)
{
	const char *p = path, *stop = path + len;

	while (p < stop) {
		const char *slash = memchr(p, '/', (size_t)(stop - p));
		size_t n = slash ? (size_t)(slash - p) : (size_t)(stop - p);

		if (unit_like(p, n))
			snprintf(unit, unitsz, "%.*s", (int)n, p);
		p += n + 1;
	}
}

void taskid_unit_from_cgroup(const char *text, char *unit, size_t unitsz)
{
	const char *line = text;

	unit[0] = '\0';
	/* Prefer the v2 line "0::/path"; v1 lines "N:name=systemd:/path" also carry units. */
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *c1 = memchr(line, ':', len);
		const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;

		if (c2 && (!strncmp(line, "0::", 3) || unit[0] == '\0'))
			unit_from_path(c2 + 1, len - (size_t)(c2 + 1 - line), unit, unitsz);
		line = nl ? nl + 1 : NULL;
	}
}

/* Tgid from /proc/TID/status: /proc/TID works for any thread, listed or not. */
static pid_t taskid_tgid(const struct tl_path *p, pid_t tid, struct tl_buf *b)
{
	char path[64];
	const char *t;
	struct tl_err e;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if (tl_path_read_buf(p, path, b, &e) < 0)
		return -1;
	t = strstr(b->data, "\nTgid:");
	return t ? (pid_t)strtol(t + 6, NULL, 10) : tid;
}

int taskid_read(const struct tl_path *p, pid_t tid, struct taskid *id, struct tl_err *e)
{
	struct tl_buf b = {0};
	char path[64];
	int r;

	memset(id, 0, sizeof(*id));
	id->tid = id->pid = tid;
	if (tid == 0) {
		snprintf(id->comm, sizeof(id->comm), "<idle>");
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)tid);
	r = tl_path_read_line(p, path, id->comm, sizeof(id->comm), e);
	if (r < 0)
		return r == -ESRCH ? -ENOENT : r;
	id->pid = taskid_tgid(p, tid, &b);
	if (id->pid < 0)
		id->pid = tid;
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)id->pid);
	if (tl_path_read_buf(p, path, &b, e) == 0)
		taskid_unit_from_cgroup(b.data, id->unit, sizeof(id->unit));
	tl_buf_free(&b);
	tl_err_clear(e);
	return 0;
}
