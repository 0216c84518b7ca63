// SPDX-License-Identifier: GPL-2.0-or-later
/* Whole-or-nothing file replacement; see atomicfile.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "path.h"

int tl_atomic_open(struct tl_atomic_file *f, const char *path, struct tl_err *e)
{
	const char *slash = strrchr(path, '/');

	f->path = path;
	f->fd = -1;
	f->err = 0;
	/* A dot file in the same directory: rename stays atomic and collectors skip it. */
	if (snprintf(f->tmp, sizeof(f->tmp), "%.*s.%s.XXXXXX", slash ? (int)(slash - path + 1) : 0,
		     path, slash ? slash + 1 : path) >= (int)sizeof(f->tmp))
		return tl_err_set(e, ENAMETOOLONG, "%s: path too long", path);
	f->fd = mkostemp(f->tmp, O_CLOEXEC);
	if (f->fd < 0)
		return tl_err_sys(e, errno, "%s: cannot create a temporary file", path);
	return 0;
}

void tl_atomic_write(struct tl_atomic_file *f, const void *data, size_t len)
{
	if (f->err == 0 && len)
		f->err = tl_write_all(f->fd, data, len);
}

void tl_atomic_abort(struct tl_atomic_file *f)
{
	if (f->fd >= 0) {
		close(f->fd);
		unlink(f->tmp);
	}
	f->fd = -1;
}

int tl_atomic_commit(struct tl_atomic_file *f, int mode, enum tl_atomic_sync sync, struct tl_err *e)
{
	int r = f->err;

	if (r == 0 && fchmod(f->fd, (mode_t)mode) < 0)
		r = -errno;
	if (r == 0 && sync == TL_ATOMIC_DURABLE && fsync(f->fd) < 0)
		r = -errno;
	if (close(f->fd) < 0 && r == 0)
		r = -errno;
	f->fd = -1;
	if (r == 0 && rename(f->tmp, f->path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(f->tmp);
		return tl_err_sys(e, -r, "%s", f->path);
	}
	return 0;
}

int tl_write_atomic(const char *path, const char *data, size_t len, int mode, struct tl_err *e)
{
	struct tl_atomic_file f;

	if (tl_atomic_open(&f, path, e) < 0)
		return -e->code;
	tl_atomic_write(&f, data, len);
	return tl_atomic_commit(&f, mode, TL_ATOMIC_DURABLE, e);
}
