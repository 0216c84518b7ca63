// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "path.h"

int tl_path_init(struct tl_path *p, const char *sysroot, struct tl_err *e)
{
	if (!sysroot || !*sysroot)
		sysroot = "/";
	if (strlen(sysroot) >= sizeof(p->root))
		return tl_err_set(e, ENAMETOOLONG, "sysroot path too long");
	strcpy(p->root, sysroot);
	p->live = strcmp(sysroot, "/") == 0;
	p->rootfd = open(sysroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (p->rootfd < 0)
		return tl_err_sys(e, errno, "cannot open sysroot %s", sysroot);
	return 0;
}

void tl_path_fini(struct tl_path *p)
{
	if (p->rootfd >= 0)
		close(p->rootfd);
	p->rootfd = -1;
}

/* Strip leading slashes so the path is relative to rootfd. */
static const char *path_rel(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

#define PATH_MAX_LINKS 40

/*
 * Resolve rel inside the root one component at a time, the way
 * RESOLVE_IN_ROOT does: an absolute symlink restarts at the root and ".."
 * never climbs above it. Used where openat2 is missing (kernels before 5.6,
 * valgrind). Fills out with the confined path relative to the root.
 */
int tl_path_resolve_in_root(const struct tl_path *p, const char *rel, char *out, size_t outsz)
{
	char todo[PATH_MAX], link[PATH_MAX], comp[NAME_MAX + 1];
	size_t olen = 0;
	int links = 0;

	snprintf(todo, sizeof(todo), "%s", rel);
	out[0] = '\0';
	while (todo[0]) {
		char *s = todo, *slash;
		size_t clen;
		ssize_t n;

		while (*s == '/')
			s++;
		slash = strchr(s, '/');
		clen = slash ? (size_t)(slash - s) : strlen(s);
		if (clen > NAME_MAX)
			return -ENAMETOOLONG;
		memcpy(comp, s, clen);
		comp[clen] = '\0';
		memmove(todo, s + clen, strlen(s + clen) + 1);
		if (!clen || !strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			char *up = strrchr(out, '/');

			olen = up ? (size_t)(up - out) : 0;
			out[olen] = '\0';
			continue;
		}
		if (olen + clen + 2 > outsz)
			return -ENAMETOOLONG;
		olen += (size_t)snprintf(out + olen, outsz - olen, "%s%s", olen ? "/" : "", comp);
		n = readlinkat(p->rootfd, out, link, sizeof(link) - 1);
		if (n < 0)
			continue; /* not a symlink (or absent: the final open reports it) */
		if (++links > PATH_MAX_LINKS)
			return -ELOOP;
		link[n] = '\0';
		/* Drop the link's own name, then splice its target before what is left. */
		{
			char *up = strrchr(out, '/');

			olen = (link[0] == '/' || !up) ? 0 : (size_t)(up - out);
			out[olen] = '\0';
		}
		if (strlen(link) + strlen(todo) + 2 > sizeof(todo))
			return -ENAMETOOLONG;
		memmove(todo + n + 1, todo, strlen(todo) + 1);
		memcpy(todo, link, (size_t)n);
		todo[n] = '/';
	}
	if (!out[0])
		snprintf(out, outsz, ".");
	return 0;
}

static int path_open_walk(const struct tl_path *p, const char *rel, int flags)
{
	char resolved[PATH_MAX];
	int r = tl_path_resolve_in_root(p, rel, resolved, sizeof(resolved));

	if (r < 0)
		return r;
	r = openat(p->rootfd, resolved, flags | O_NOFOLLOW);
	return r < 0 ? -errno : r;
}

/*
 * Under a sysroot, confine resolution to the root: a dump may hold absolute
 * symlinks (or hostile ones), and they must resolve inside it.
 */
static int path_open_confined(const struct tl_path *p, const char *rel, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)flags,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	fd = syscall(SYS_openat2, p->rootfd, rel, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS)
		return path_open_walk(p, rel, flags);
	return fd < 0 ? -errno : (int)fd;
}

int tl_path_open(const struct tl_path *p, const char *path, int flags)
{
	int fd;

	flags |= O_CLOEXEC;
	if (!p->live)
		return path_open_confined(p, path_rel(path), flags);
	fd = openat(p->rootfd, path_rel(path), flags);
	return fd < 0 ? -errno : fd;
}

bool tl_path_exists(const struct tl_path *p, const char *path)
{
	int fd = tl_path_open(p, path, O_PATH);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

DIR *tl_path_opendir(const struct tl_path *p, const char *path)
{
	int fd = tl_path_open(p, path, O_RDONLY | O_DIRECTORY);
	DIR *d;

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	d = fdopendir(fd);
	if (!d)
		close(fd);
	return d;
}

/* Read until EOF: /proc files report size 0, so stat() cannot size the buffer. */
static int read_all(int fd, struct tl_buf *b)
{
	ssize_t n;

	b->len = 0;
	for (;;) {
		if (tl_buf_reserve(b, b->len + 4096) < 0)
			return -ENOMEM;
		n = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		b->len += (size_t)n;
	}
	b->data[b->len] = '\0';
	return 0;
}

/* What a non-regular file is, for the message that refuses it. */
static const char *file_kind(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	return "special";
}

/*
 * /proc, /sys and dumps of them hold only regular files; anything else in
 * their place is bad input, refused with an error: a FIFO would park the
 * caller in open() until a writer came (the daemon's loop with it) and then
 * in read(), and a device may never reach EOF. O_NONBLOCK makes the open
 * return at once, so the type can be checked.
 */
int tl_path_open_regular(const struct tl_path *p, const char *path, struct tl_err *e)
{
	struct stat st;
	int fd, err;

	fd = tl_path_open(p, path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return tl_err_sys(e, -fd, "cannot open %s", path);
	if (fstat(fd, &st) < 0) {
		err = errno;
		close(fd);
		return tl_err_sys(e, err, "cannot read %s", path);
	}
	if (S_ISREG(st.st_mode))
		return fd;
	close(fd);
	if (S_ISDIR(st.st_mode))
		return tl_err_sys(e, EISDIR, "cannot read %s", path);
	return tl_err_set(e, EINVAL, "cannot read %s: %s, not a regular file", path,
			  file_kind(st.st_mode));
}

int tl_path_read_buf(const struct tl_path *p, const char *path, struct tl_buf *b, struct tl_err *e)
{
	int fd, r;

	fd = tl_path_open_regular(p, path, e);
	if (fd < 0)
		return fd;
	r = read_all(fd, b);
	close(fd);
	if (r < 0)
		return tl_err_sys(e, -r, "cannot read %s", path);
	return 0;
}

int tl_path_read_line(const struct tl_path *p, const char *path, char *out, size_t outsz,
		      struct tl_err *e)
{
	ssize_t n;
	int fd;

	fd = tl_path_open_regular(p, path, e);
	if (fd < 0)
		return fd;
	do
		n = read(fd, out, outsz - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		int err = errno;

		close(fd);
		return tl_err_sys(e, err, "cannot read %s", path);
	}
	close(fd);
	out[n] = '\0';
	n = (ssize_t)strcspn(out, "\n");
	out[n] = '\0';
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t' || out[n - 1] == '\n'))
		out[--n] = '\0';
	return 0;
}

int tl_path_read_s64(const struct tl_path *p, const char *path, int64_t *out, struct tl_err *e)
{
	char line[64], *end;
	int r;

	r = tl_path_read_line(p, path, line, sizeof(line), e);
	if (r < 0)
		return r;
	errno = 0;
	*out = strtoll(line, &end, 0);
	if (errno || end == line || *end)
		return tl_err_set(e, EINVAL, "%s: not a number: \"%s\"", path, line);
	return 0;
}

int tl_path_read_cpulist(const struct tl_path *p, const char *path, struct cpuset *set,
			 struct tl_err *e)
{
	char line[4096];
	int r;

	r = tl_path_read_line(p, path, line, sizeof(line), e);
	if (r < 0)
		return r;
	r = cpulist_parse(line, set, e);
	if (r < 0)
		tl_err_prefix(e, "%s: ", path);
	return r;
}

int tl_path_write(const struct tl_path *p, const char *path, const char *val, struct tl_err *e)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd;

	fd = tl_path_open(p, path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return tl_err_sys(e, -fd, "cannot open %s for writing", path);
	n = write(fd, val, len);
	if (n < 0 || (size_t)n != len) {
		int err = n < 0 ? errno : EIO;

		close(fd);
		return tl_err_sys(e, err, "cannot write \"%s\" to %s", val, path);
	}
	if (close(fd) < 0)
		return tl_err_sys(e, errno, "cannot write \"%s\" to %s", val, path);
	return 0;
}

void tl_path_join(const struct tl_path *p, const char *path, char *out, size_t outsz)
{
	if (p->live)
		snprintf(out, outsz, "%s", path);
	else
		snprintf(out, outsz, "%s/%s", p->root, path_rel(path));
}

int tl_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}
