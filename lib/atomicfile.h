/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Files replaced whole or not at all: written to a temporary file in the same
 * directory, fsynced, then renamed over the target, so that a reader (the
 * node_exporter textfile collector, the next boot's tlbisod) never sees half
 * of one. The streaming form lets a large file be written from a small
 * buffer.
 */
#ifndef TLBISO_ATOMICFILE_H
#define TLBISO_ATOMICFILE_H

#include <limits.h>
#include <stddef.h>

#include "err.h"

struct tl_atomic_file {
	const char *path; /* the target; the caller keeps it alive until commit or abort */
	char tmp[PATH_MAX];
	int fd;	 /* of tmp, -1 when closed */
	int err; /* first write error (negative errno), reported by commit */
};

/* Create the temporary file next to path. */
int tl_atomic_open(struct tl_atomic_file *f, const char *path, struct tl_err *e);

/* Append; an error is kept for tl_atomic_commit, so callers may write on without checking. */
void tl_atomic_write(struct tl_atomic_file *f, const void *data, size_t len);

/* How far a commit goes: readers never see half a file either way. */
enum tl_atomic_sync {
	TL_ATOMIC_NOSYNC,  /* a file rewritten every few seconds: no disk flush each time */
	TL_ATOMIC_DURABLE, /* fsync before the rename: it survives a power loss */
};

/* Set the mode, sync as asked and rename over the target; on error the target is left as it was. */
int tl_atomic_commit(struct tl_atomic_file *f, int mode, enum tl_atomic_sync sync,
		     struct tl_err *e);

/* Drop the temporary file; the target is untouched. */
void tl_atomic_abort(struct tl_atomic_file *f);

/* The whole of data, atomically and durably (open, write, commit with fsync). */
int tl_write_atomic(const char *path, const char *data, size_t len, int mode, struct tl_err *e);

#endif
