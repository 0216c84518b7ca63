/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The write side of housekeeping, behind a seam. Reads go through the path
 * context like everywhere else; every change (a file write, a task's
 * affinity, a cgroup directory) goes through a struct hk_io, so that tests
 * inject EIO, EINVAL or EACCES in the middle of an apply (a plain file in a
 * sysroot cannot return EIO), and so that the kill-loop driver can die at a
 * chosen write.
 */
#ifndef TLBISO_HK_IO_H
#define TLBISO_HK_IO_H

#include <sys/types.h>

#include "cpuset.h"
#include "err.h"
#include "path.h"

struct hk_io {
	void *ctx;
	/* Write val to path (a live path, resolved under p); negative errno. */
	int (*write)(void *ctx, const struct tl_path *p, const char *path, const char *val,
		     struct tl_err *e);
	/* A task's CPU affinity; negative errno (-ESRCH gone, -EINVAL PF_NO_SETAFFINITY). */
	int (*get_affinity)(void *ctx, const struct tl_path *p, pid_t pid, struct cpuset *out);
	int (*set_affinity)(void *ctx, const struct tl_path *p, pid_t pid,
			    const struct cpuset *set);
	int (*mkdir)(void *ctx, const struct tl_path *p, const char *path);
	int (*rmdir)(void *ctx, const struct tl_path *p, const char *path);
};

/*
 * The real thing: tl_path_write, sched_{get,set}affinity (live system only;
 * under a sysroot task affinity is -EOPNOTSUPP), mkdirat/unlinkat.
 */
const struct hk_io *hk_io_default(void);

/*
 * Read a small kernel file as one trimmed string (malloc'd into *out).
 * Values such as a cpumask for 8192 CPUs exceed a line buffer, hence the heap.
 */
int hk_io_read(const struct tl_path *p, const char *path, char **out, struct tl_err *e);

/*
 * The same, untrimmed: the journal keeps a value byte for byte ("0-3\n"),
 * which the kernel accepts back on write, so a restore is exact.
 */
int hk_io_read_raw(const struct tl_path *p, const char *path, char **out, struct tl_err *e);

#endif
