/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the housekeeping tests: a temporary sysroot whose plain
 * files stand in for /proc/irq, /proc/sys and /sys, and a write hook that
 * records every write and fails the ones a test asks it to (a plain file
 * cannot return EIO, the kernel can).
 */
#ifndef TLBISO_TEST_HK_FIXTURE_H
#define TLBISO_TEST_HK_FIXTURE_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hk-io.h"

/* Create every directory of a path below dir. */
static inline void fx_mkdirs(const char *dir, const char *rel)
{
	char path[8800];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (char *s = path + strlen(dir) + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(path, 0755);
			*s = '/';
		}
	mkdir(path, 0755);
}

/* Write a file (creating its directories) under dir. */
static inline void fx_write(const char *dir, const char *rel, const char *text)
{
	char path[4400], parent[4300];
	FILE *f;

	snprintf(parent, sizeof(parent), "%s", rel);
	if (strrchr(parent, '/')) {
		*strrchr(parent, '/') = '\0';
		fx_mkdirs(dir, parent);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

/* Read a file under dir into out (whole, as is). */
static inline char *fx_read(const char *dir, const char *rel, char *out, size_t outsz)
{
	char path[4400];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	out[0] = '\0';
	f = fopen(path, "r");
	if (!f)
		return out;
	n = fread(out, 1, outsz - 1, f);
	out[n] = '\0';
	fclose(f);
	return out;
}

/* Remove a tree (tests only; the paths are our mkdtemp directories). */
static inline void fx_rmtree(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		abort();
}

#define FX_MAX_FAIL 8
#define FX_MAX_LOG  256

/* A write hook: fails writes to chosen paths with chosen errnos, logs the rest. */
struct fx_io {
	struct hk_io io;
	struct {
		char path[256];
		int err;
	} fail[FX_MAX_FAIL];
	int nfail;
	int fail_after; /* >0: every write after this many succeeds fails with fail_after_err */
	int fail_after_err;
	int nwrites;
	char log[FX_MAX_LOG][256];
	int nlog;
	/* fake task affinities for kthreads tests: pid -> set */
	int ntasks;
	pid_t pids[16];
	struct cpuset aff[16];
	bool pinned[16];
};

static inline int fx_io_write(void *ctx, const struct tl_path *p, const char *path, const char *val,
			      struct tl_err *e)
{
	struct fx_io *f = ctx;

	for (int i = 0; i < f->nfail; i++)
		if (!strcmp(f->fail[i].path, path))
			return tl_err_sys(e, f->fail[i].err, "cannot write \"%s\" to %s", val,
					  path);
	if (f->fail_after > 0 && f->nwrites >= f->fail_after)
		return tl_err_sys(e, f->fail_after_err, "cannot write \"%s\" to %s", val, path);
	f->nwrites++;
	if (f->nlog < FX_MAX_LOG)
		snprintf(f->log[f->nlog++], sizeof(f->log[0]), "%s=%s", path, val);
	return tl_path_write(p, path, val, e);
}

static inline int fx_task(struct fx_io *f, pid_t pid)
{
	for (int i = 0; i < f->ntasks; i++)
		if (f->pids[i] == pid)
			return i;
	return -1;
}

static inline int fx_io_get_aff(void *ctx, const struct tl_path *p, pid_t pid, struct cpuset *out)
{
	struct fx_io *f = ctx;
	int i = fx_task(f, pid);

	if (i < 0)
		return -ESRCH;
	*out = f->aff[i];
	return 0;
}

static inline int fx_io_set_aff(void *ctx, const struct tl_path *p, pid_t pid,
				const struct cpuset *s)
{
	struct fx_io *f = ctx;
	int i = fx_task(f, pid);

	if (i < 0)
		return -ESRCH;
	if (f->pinned[i])
		return -EINVAL;
	f->aff[i] = *s;
	if (f->nlog < FX_MAX_LOG)
		snprintf(f->log[f->nlog++], sizeof(f->log[0]), "task:%d", (int)pid);
	return 0;
}

static inline void fx_io_init(struct fx_io *f)
{
	const struct hk_io *def = hk_io_default();

	memset(f, 0, sizeof(*f));
	f->io = *def;
	f->io.ctx = f;
	f->io.write = fx_io_write;
	f->io.get_affinity = fx_io_get_aff;
	f->io.set_affinity = fx_io_set_aff;
}

static inline void fx_io_fail(struct fx_io *f, const char *path, int err)
{
	snprintf(f->fail[f->nfail].path, sizeof(f->fail[0].path), "%s", path);
	f->fail[f->nfail++].err = err;
}

#endif
