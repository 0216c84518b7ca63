// SPDX-License-Identifier: GPL-2.0-or-later
/* getgrnam() in a child process; see grouplookup.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grouplookup.h"

/* A directory service that does not answer must not hold up the daemon's start. */
#define GROUP_LOOKUP_TIMEOUT_MS 5000

/* The child's answer: found, and the gid. */
struct group_answer {
	int32_t found;
	uint32_t gid;
};

/* In the child: look the name up and write the answer; never returns. */
static void lookup_child(const char *name, int wfd)
{
	struct group_answer a = {0};
	struct group *g = getgrnam(name);

	if (g) {
		a.found = 1;
		a.gid = (uint32_t)g->gr_gid;
	}
	_exit(write(wfd, &a, sizeof(a)) == (ssize_t)sizeof(a) ? 0 : 1);
}

/* Wait for the answer, then reap the child (killed if it did not answer in time). */
static int read_answer(pid_t pid, int rfd, struct group_answer *a)
{
	struct pollfd p = {.fd = rfd, .events = POLLIN};
	ssize_t n = -1;
	int r;

	do
		r = poll(&p, 1, GROUP_LOOKUP_TIMEOUT_MS);
	while (r < 0 && errno == EINTR);
	if (r > 0)
		n = read(rfd, a, sizeof(*a));
	if (r <= 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (r == 0)
		return -ETIMEDOUT;
	return n == (ssize_t)sizeof(*a) ? 0 : -EIO;
}

int tl_group_lookup(const char *name, gid_t *gid, struct tl_err *e)
{
	struct group_answer a;
	int fds[2], r;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return tl_err_sys(e, errno, "group %s: pipe", name);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		lookup_child(name, fds[1]);
	}
	close(fds[1]);
	if (pid < 0) {
		r = -errno;
		close(fds[0]);
		return tl_err_sys(e, -r, "group %s: fork", name);
	}
	r = read_answer(pid, fds[0], &a);
	close(fds[0]);
	if (r < 0)
		return tl_err_sys(e, -r, "group %s: lookup", name);
	if (a.found)
		*gid = (gid_t)a.gid;
	return a.found ? 1 : 0;
}
