// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procs.h"

/* Parse n space-separated unsigned fields starting at p; returns the end or NULL. */
static const char *stat_skip_fields(const char *p, int n)
{
	for (int i = 0; i < n; i++) {
		while (*p == ' ')
			p++;
		if (!*p)
			return NULL;
		while (*p && *p != ' ')
			p++;
	}
	return p;
}

static const char *stat_long(const char *p, long *out)
{
	char *end;

	while (*p == ' ')
		p++;
	errno = 0;
	*out = strtol(p, &end, 10);
	if (end == p || errno)
		return NULL;
	return end;
}

/*
 * comm is the text between the first '(' and the LAST ')': a task may name
 * itself "a) b (c", so only the last parenthesis is a reliable end.
 */
static int stat_comm(const char *text, struct task_info *t, const char **rest)
{
	const char *open = strchr(text, '(');
	const char *close = strrchr(text, ')');
	size_t len;

	if (!open || !close || close < open)
		return -EINVAL;
	len = (size_t)(close - open - 1);
	if (len > PROC_COMM_MAX)
		len = PROC_COMM_MAX;
	memcpy(t->comm, open + 1, len);
	t->comm[len] = '\0';
	*rest = close + 1;
	return 0;
}

int procs_parse_stat(const char *text, struct task_info *t, struct tl_err *e)
{
	const char *p;
	long v[3];

	memset(t, 0, sizeof(*t));
	t->tid = (pid_t)atoi(text);
	if (t->tid <= 0 || stat_comm(text, t, &p) < 0)
		goto bad;
	while (*p == ' ')
		p++;
	t->state = *p ? *p++ : '?';
	/* fields 4-8 (ppid..tpgid), then 9 = flags */
	if (!(p = stat_skip_fields(p, 5)) || !(p = stat_long(p, &v[0])))
		goto bad;
	t->flags = (unsigned int)v[0];
	/* fields 10-38, then 39 processor, 40 rt_priority, 41 policy */
	if (!(p = stat_skip_fields(p, 29)) || !(p = stat_long(p, &v[0])) ||
	    !(p = stat_long(p, &v[1])) || !(p = stat_long(p, &v[2])))
		goto bad;
	t->processor = (int)v[0];
	t->rt_priority = (int)v[1];
	t->policy = (int)v[2];
	t->pid = t->tid;
	return 0;
bad:
	return tl_err_set(e, EINVAL, "malformed stat line \"%.40s\"", text);
}

/* Cpus_allowed_list and Tgid from /proc/<pid>/task/<tid>/status. */
static int read_status(const struct tl_path *p, const char *dir, struct task_info *t,
		       struct tl_err *e)
{
	struct tl_buf b = {0};
	char path[96];
	const char *line;
	int r;

	snprintf(path, sizeof(path), "%s/status", dir);
	r = tl_path_read_buf(p, path, &b, e);
	if (r < 0)
		return r;
	line = strstr(b.data, "\nTgid:");
	if (line)
		t->pid = (pid_t)atoi(line + 6);
	line = strstr(b.data, "\nCpus_allowed_list:");
	if (line) {
		char list[4096];

		line += strlen("\nCpus_allowed_list:");
		snprintf(list, sizeof(list), "%.*s", (int)strcspn(line, "\n"), line);
		r = cpulist_parse(list, &t->allowed, e);
	}
	tl_buf_free(&b);
	return r;
}

int procs_read_task(const struct tl_path *p, pid_t pid, pid_t tid, struct task_info *t,
		    struct tl_err *e)
{
	char dir[64], path[96], text[1024];
	int r;

	snprintf(dir, sizeof(dir), "/proc/%d/task/%d", (int)pid, (int)tid);
	snprintf(path, sizeof(path), "%s/stat", dir);
	r = tl_path_read_line(p, path, text, sizeof(text), e);
	if (r < 0)
		return r;
	r = procs_parse_stat(text, t, e);
	if (r < 0)
		return r;
	t->pid = pid;
	return read_status(p, dir, t, e);
}

static bool is_pid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Visit the threads of one process; a process that exits meanwhile is skipped. */
static int walk_threads(const struct tl_path *p, pid_t pid, bool threads, procs_visit_fn fn,
			void *arg)
{
	struct task_info t;
	struct dirent *de;
	char path[64];
	DIR *d;
	int r = 0;

	if (!threads) {
		if (procs_read_task(p, pid, pid, &t, NULL) < 0)
			return 0;
		return fn(&t, arg);
	}
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = tl_path_opendir(p, path);
	if (!d)
		return 0;
	while (!r && (de = readdir(d))) {
		if (!is_pid_name(de->d_name))
			continue;
		if (procs_read_task(p, pid, (pid_t)atoi(de->d_name), &t, NULL) < 0)
			continue;
		r = fn(&t, arg);
	}
	closedir(d);
	return r;
}

int procs_walk(const struct tl_path *p, bool threads, procs_visit_fn fn, void *arg,
	       struct tl_err *e)
{
	struct dirent *de;
	DIR *d;
	int r = 0;

	d = tl_path_opendir(p, "/proc");
	if (!d)
		return tl_err_sys(e, errno, "cannot list /proc");
	while (!r && (de = readdir(d)))
		if (is_pid_name(de->d_name))
			r = walk_threads(p, (pid_t)atoi(de->d_name), threads, fn, arg);
	closedir(d);
	return r;
}
