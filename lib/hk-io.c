// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "hk-io.h"

/* The plain file write the kernel sees; its errno (EIO for managed IRQs) comes back as-is. */
static int io_write(void *ctx, const struct tl_path *p, const char *path, const char *val,
		    struct tl_err *e)
{
	return tl_path_write(p, path, val, e);
}

/* sched_getaffinity only means something on the live system. */
static int io_get_affinity(void *ctx, const struct tl_path *p, pid_t pid, struct cpuset *out)
{
	cpu_set_t *set;
	size_t sz = CPU_ALLOC_SIZE(TL_MAX_CPUS);
	int r = 0;

	if (!p->live)
		return -EOPNOTSUPP;
	set = CPU_ALLOC(TL_MAX_CPUS);
	if (!set)
		return -ENOMEM;
	if (sched_getaffinity(pid, sz, set) < 0)
		r = -errno;
	else
		cpuset_from_glibc(out, set, sz);
	CPU_FREE(set);
	return r;
}

/* sched_setaffinity: EINVAL for PF_NO_SETAFFINITY kthreads, ESRCH when gone. */
static int io_set_affinity(void *ctx, const struct tl_path *p, pid_t pid, const struct cpuset *s)
{
	cpu_set_t *set;
	size_t sz = CPU_ALLOC_SIZE(TL_MAX_CPUS);
	int r = 0;

	if (!p->live)
		return -EOPNOTSUPP;
	set = CPU_ALLOC(TL_MAX_CPUS);
	if (!set)
		return -ENOMEM;
	cpuset_to_glibc(s, set, sz);
	if (sched_setaffinity(pid, sz, set) < 0)
		r = -errno;
	CPU_FREE(set);
	return r;
}

/* Open the parent of path under the root (confined), and give the last component. */
static int io_parent(const struct tl_path *p, const char *path, char *base, size_t basesz)
{
	char dir[PATH_MAX], tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(base, basesz, "%s", basename(tmp));
	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(dir, sizeof(dir), "%s", dirname(tmp));
	return tl_path_open(p, dir, O_PATH | O_DIRECTORY);
}

/* mkdir under the root: a cgroup directory is how a cpuset partition is made. */
static int io_mkdir(void *ctx, const struct tl_path *p, const char *path)
{
	char base[NAME_MAX + 1];
	int fd = io_parent(p, path, base, sizeof(base)), r;

	if (fd < 0)
		return fd;
	r = mkdirat(fd, base, 0755) < 0 ? -errno : 0;
	close(fd);
	return r;
}

/* rmdir under the root: removing a cgroup directory dissolves its partition. */
static int io_rmdir(void *ctx, const struct tl_path *p, const char *path)
{
	char base[NAME_MAX + 1];
	int fd = io_parent(p, path, base, sizeof(base)), r;

	if (fd < 0)
		return fd;
	r = unlinkat(fd, base, AT_REMOVEDIR) < 0 ? -errno : 0;
	close(fd);
	return r;
}

const struct hk_io *hk_io_default(void)
{
	static const struct hk_io io = {
		.write = io_write,
		.get_affinity = io_get_affinity,
		.set_affinity = io_set_affinity,
		.mkdir = io_mkdir,
		.rmdir = io_rmdir,
	};

	return &io;
}

int hk_io_read_raw(const struct tl_path *p, const char *path, char **out, struct tl_err *e)
{
	struct tl_buf b = {0};
	int r;

	r = tl_path_read_buf(p, path, &b, e);
	if (r < 0) {
		tl_buf_free(&b);
		return r;
	}
	*out = b.data; /* hand the buffer over */
	return 0;
}

int hk_io_read(const struct tl_path *p, const char *path, char **out, struct tl_err *e)
{
	size_t n;
	int r;

	r = hk_io_read_raw(p, path, out, e);
	if (r < 0)
		return r;
	n = strlen(*out);
	while (n > 0 && ((*out)[n - 1] == '\n' || (*out)[n - 1] == ' ' || (*out)[n - 1] == '\t'))
		n--;
	(*out)[n] = '\0';
	return 0;
}
