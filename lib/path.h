/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The path context: every read of /proc, /sys, /boot, /dev/cpu and /etc in
 * tlbiso goes through one of these, so that a sysroot (a dump of another
 * machine, or a test fixture) can stand in for the live system.
 *
 * Paths given to these functions are absolute as on the live system
 * ("/proc/interrupts"); the context resolves them under its root. Under a
 * sysroot, resolution is confined to the root (openat2 RESOLVE_IN_ROOT), so a
 * symlink in a dump can never lead out of it.
 */
#ifndef TLBISO_PATH_H
#define TLBISO_PATH_H

#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "cpuset.h"
#include "err.h"

struct tl_path {
	char root[PATH_MAX]; /* "/" for the live system */
	int rootfd;	     /* O_PATH descriptor of root */
	bool live;	     /* root is "/": reads may also use live-only sources (CPUID, libnuma) */
};

/* Open the context; sysroot NULL or "/" means the live system. */
int tl_path_init(struct tl_path *p, const char *sysroot, struct tl_err *e);
void tl_path_fini(struct tl_path *p);

/*
 * Write all of buf to fd, retrying short writes and EINTR: a short write
 * would tear a record or a frame. 0 or a negative errno.
 */
int tl_write_all(int fd, const char *buf, size_t len);

/* Open path under the root; returns an fd or a negative errno. */
int tl_path_open(const struct tl_path *p, const char *path, int flags);
bool tl_path_exists(const struct tl_path *p, const char *path);

/* Open a directory under the root for iteration; NULL with errno set on failure. */
DIR *tl_path_opendir(const struct tl_path *p, const char *path);

/*
 * Open a file that must be regular, to read it, without waiting: a FIFO or a
 * device in its place is refused (EINVAL), a directory gives EISDIR. The fd
 * is O_NONBLOCK, which changes nothing for regular files.
 */
int tl_path_open_regular(const struct tl_path *p, const char *path, struct tl_err *e);

/* Read a whole file into b (reused, NUL-terminated); only a regular file. */
int tl_path_read_buf(const struct tl_path *p, const char *path, struct tl_buf *b,
		     struct tl_err *e);

/* Read the first line of a small file, without its trailing whitespace. */
int tl_path_read_line(const struct tl_path *p, const char *path, char *out, size_t outsz,
		      struct tl_err *e);

int tl_path_read_s64(const struct tl_path *p, const char *path, int64_t *out, struct tl_err *e);

/* Read a file in cpulist format ("0-3,8"); an empty file gives an empty set. */
int tl_path_read_cpulist(const struct tl_path *p, const char *path, struct cpuset *set,
			 struct tl_err *e);

/* Write a string (one write(2)); the kernel's errno (EIO, EINVAL...) is returned as-is. */
int tl_path_write(const struct tl_path *p, const char *path, const char *val, struct tl_err *e);

/*
 * Resolve rel (relative to the root) component by component, confined to the
 * root as RESOLVE_IN_ROOT does; the fallback where openat2 is unavailable.
 */
int tl_path_resolve_in_root(const struct tl_path *p, const char *rel, char *out, size_t outsz);

/* Join the root and a live path for messages and for tools that need a plain path. */
void tl_path_join(const struct tl_path *p, const char *path, char *out, size_t outsz);

#endif
