// SPDX-License-Identifier: GPL-2.0-or-later
/* Both sides of the control protocol; see ctlproto.h. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctlproto.h"

static const char *const cmd_names[CTL_CMD_COUNT] = {"status", "reload", "restore"};

const char *ctl_cmd_name(enum ctl_cmd c)
{
	return c >= 0 && c < CTL_CMD_COUNT ? cmd_names[c] : "?";
}

bool ctl_cmd_privileged(enum ctl_cmd c)
{
	return c == CTL_CMD_RELOAD || c == CTL_CMD_RESTORE;
}

/* The version and command members of a parsed request. */
static int request_fields(json_object *o, enum ctl_cmd *cmd, struct tl_err *e)
{
	json_object *v, *c;
	const char *name;

	if (!json_object_is_type(o, json_type_object))
		return tl_err_set(e, EINVAL, "request is not a JSON object");
	if (!json_object_object_get_ex(o, "v", &v) || !json_object_is_type(v, json_type_int))
		return tl_err_set(e, EPROTO, "request has no integer \"v\" (protocol version)");
	if (json_object_get_int64(v) != CTL_VERSION)
		return tl_err_set(e, EPROTO, "protocol version %lld not supported (this is %d)",
				  (long long)json_object_get_int64(v), CTL_VERSION);
	if (!json_object_object_get_ex(o, "cmd", &c) || !json_object_is_type(c, json_type_string))
		return tl_err_set(e, EINVAL, "request has no string \"cmd\"");
	name = json_object_get_string(c);
	for (int i = 0; i < CTL_CMD_COUNT; i++)
		if (!strcmp(name, cmd_names[i])) {
			*cmd = i;
			return 0;
		}
	return tl_err_set(e, EINVAL, "unknown command \"%.64s\" (known: status, reload)", name);
}

int ctl_parse_request(const char *line, size_t len, enum ctl_cmd *cmd, struct tl_err *e)
{
	struct json_tokener *tok;
	json_object *o;
	int r;

	if (len >= CTL_REQUEST_MAX)
		return tl_err_set(e, EINVAL, "request longer than %d bytes", CTL_REQUEST_MAX - 1);
	while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	tok = json_tokener_new_ex(8);
	if (!tok)
		return tl_err_set(e, ENOMEM, "out of memory");
	o = json_tokener_parse_ex(tok, line, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len) {
		json_object_put(o);
		json_tokener_free(tok);
		return tl_err_set(e, EINVAL, "request is not one JSON object");
	}
	json_tokener_free(tok);
	r = request_fields(o, cmd, e);
	json_object_put(o);
	return r;
}

int ctl_format_request(enum ctl_cmd cmd, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "{\"v\":%d,\"cmd\":\"%s\"}\n", CTL_VERSION, ctl_cmd_name(cmd));

	return n < 0 || (size_t)n >= outsz ? -ENOSPC : n;
}

json_object *ctl_reply_error(const char *msg)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "v", json_object_new_int(CTL_VERSION));
	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(msg));
	return o;
}

json_object *ctl_reply_ok(const char *key, json_object *payload)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "v", json_object_new_int(CTL_VERSION));
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	if (key && payload)
		json_object_object_add(o, key, payload);
	else
		json_object_put(payload);
	return o;
}

int ctl_socket_path(const char *runtime_dir, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "%s/%s", runtime_dir, CTL_SOCKET_NAME);

	return n < 0 || (size_t)n >= outsz ? -ENAMETOOLONG : 0;
}

/* Connect to the daemon's socket; the errno tells "not running" from "not allowed". */
static int ctl_connect(const char *runtime_dir, struct tl_err *e)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (ctl_socket_path(runtime_dir, sa.sun_path, sizeof(sa.sun_path)) < 0)
		return tl_err_set(e, ENAMETOOLONG, "%s: runtime directory path too long",
				  runtime_dir);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return tl_err_sys(e, errno, "socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = errno;

		close(fd);
		return tl_err_sys(e, err, "%s", sa.sun_path);
	}
	return fd;
}

/* Milliseconds left before deadline (CLOCK_MONOTONIC), at least 0. */
static int ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms > 0 ? (int)ms : 0;
}

/* Read until a newline, EOF, the size limit or the deadline. */
static int read_reply(int fd, char *buf, size_t cap, int timeout_ms, size_t *len, struct tl_err *e)
{
	struct timespec dl;
	size_t n = 0;

	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_sec += timeout_ms / 1000;
	dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	while (n < cap - 1 && (n == 0 || buf[n - 1] != '\n')) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		ssize_t r;

		if (poll(&pfd, 1, ms_left(&dl)) == 0)
			return tl_err_set(e, ETIMEDOUT, "no reply from tlbisod within %d ms",
					  timeout_ms);
		r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return tl_err_sys(e, errno, "reading the reply");
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return 0;
}

/* Parse a reply line into a protocol object of the right version. */
static int parse_reply(const char *buf, json_object **reply, struct tl_err *e)
{
	json_object *o = json_tokener_parse(buf), *v;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "v", &v) || json_object_get_int(v) != CTL_VERSION) {
		json_object_put(o);
		return tl_err_set(e, EPROTO,
				  "tlbisod sent a reply this tlbisoctl does not understand");
	}
	*reply = o;
	return 0;
}

int ctl_call(const char *runtime_dir, enum ctl_cmd cmd, int timeout_ms, json_object **reply,
	     struct tl_err *e)
{
	char req[128], *buf;
	size_t len = 0;
	int fd, r, n;

	fd = ctl_connect(runtime_dir, e);
	if (fd < 0)
		return fd;
	n = ctl_format_request(cmd, req, sizeof(req));
	if (write(fd, req, (size_t)n) != n) {
		r = tl_err_sys(e, errno ? errno : EIO, "sending the request");
		close(fd);
		return r;
	}
	buf = malloc(CTL_REPLY_MAX);
	if (!buf) {
		close(fd);
		return tl_err_set(e, ENOMEM, "out of memory");
	}
	r = read_reply(fd, buf, CTL_REPLY_MAX, timeout_ms, &len, e);
	if (r == 0)
		r = parse_reply(buf, reply, e);
	free(buf);
	close(fd);
	return r;
}
