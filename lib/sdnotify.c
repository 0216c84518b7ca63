// SPDX-License-Identifier: GPL-2.0-or-later
/* systemd's notification and watchdog protocols without libsystemd (see sdnotify.h). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sdnotify.h"

#define NOTIFY_STATE_MAX 4096

/* The socket address of $NOTIFY_SOCKET: a path, or '@' for the abstract namespace. */
static int notify_addr(const char *name, struct sockaddr_un *sa, socklen_t *len)
{
	size_t n = strlen(name);

	if (name[0] != '/' && name[0] != '@')
		return -EAFNOSUPPORT;
	if (n < 2 || n >= sizeof(sa->sun_path))
		return -EINVAL;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, name, n);
	if (name[0] == '@')
		sa->sun_path[0] = '\0';
	/* Abstract names are exactly n bytes long: no terminating NUL in the length. */
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (name[0] == '/'));
	return 0;
}

int tl_sd_notify(const char *socket_env, const char *state)
{
	struct sockaddr_un sa;
	size_t len = strlen(state);
	socklen_t salen;
	ssize_t n;
	int fd, r;

	if (!socket_env || !socket_env[0])
		return 0;
	r = notify_addr(socket_env, &sa, &salen);
	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	n = sendto(fd, state, len, MSG_NOSIGNAL, (struct sockaddr *)&sa, salen);
	r = n < 0 ? -errno : (size_t)n == len ? 1 : -EPROTO;
	close(fd);
	return r;
}

int tl_sd_notifyf(const char *socket_env, const char *fmt, ...)
{
	char state[NOTIFY_STATE_MAX];
	va_list ap;
	int n;

	if (!socket_env || !socket_env[0])
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(state, sizeof(state), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(state))
		return -EMSGSIZE;
	return tl_sd_notify(socket_env, state);
}

/* A decimal integer and nothing else: no sign, no spaces, no overflow. */
static int parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		uint64_t d = (uint64_t)(*s - '0');

		if (*s < '0' || *s > '9' || x > (UINT64_MAX - d) / 10)
			return -EINVAL;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

int tl_sd_watchdog(const char *usec_env, const char *pid_env, pid_t self, uint64_t *usec)
{
	uint64_t u, pid;

	if (!usec_env)
		return 0;
	/* systemd's own checks: a zero or "infinity" timeout is not a timeout. */
	if (parse_u64(usec_env, &u) < 0 || u == 0 || u == UINT64_MAX)
		return -EINVAL;
	if (pid_env) {
		if (parse_u64(pid_env, &pid) < 0 || pid == 0 || pid > INT32_MAX)
			return -EINVAL;
		/* Set for the main process only: a child that inherited it must not ping. */
		if ((pid_t)pid != self)
			return 0;
	}
	*usec = u;
	return 1;
}
