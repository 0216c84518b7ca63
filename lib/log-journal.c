// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The journal side of the logger: journald's native protocol, spoken directly
 * (systemd.io/JOURNAL_NATIVE_PROTOCOL, a stable interface). An entry is one
 * datagram of fields, "KEY=value\n", or for a value holding a newline
 * "KEY\n", its length as 64-bit little-endian, the value and "\n". An entry
 * too large for a datagram goes in a sealed memfd passed with SCM_RIGHTS.
 * Doing this here instead of through sd_journal_sendv keeps libsystemd and
 * the compression and crypto libraries behind it out of the daemon.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "path.h"

#define JOURNAL_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)

/* systemd sets JOURNAL_STREAM=dev:ino of the stream it connected to stderr. */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return st.st_dev == dev && st.st_ino == ino;
}

void tl_journal_init(struct tl_journal *j, const char *path)
{
	memset(j, 0, sizeof(*j));
	j->path = path ? path : TL_JOURNAL_SOCKET;
	j->fd = -1;
}

void tl_journal_close(struct tl_journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	tl_buf_free(&j->payload);
}

/*
 * Append one field to the payload (kept for the next entry). A value with a
 * newline needs the length-prefixed form, or journald would cut it there.
 */
static int put_field(struct tl_buf *b, const char *key, size_t klen, const char *val)
{
	size_t vlen = strlen(val);
	char *p;

	/* key, '=' or '\n' + 8 length bytes, value, '\n' */
	if (tl_buf_reserve(b, b->len + klen + 1 + 8 + vlen + 1) < 0)
		return -ENOMEM;
	p = b->data + b->len;
	memcpy(p, key, klen);
	p += klen;
	if (memchr(val, '\n', vlen)) {
		*p++ = '\n';
		for (int i = 0; i < 8; i++)
			*p++ = (char)((uint64_t)vlen >> (8 * i));
	} else {
		*p++ = '=';
	}
	memcpy(p, val, vlen);
	p += vlen;
	*p++ = '\n';
	b->len = (size_t)(p - b->data);
	return 0;
}

/* MESSAGE=, PRIORITY= and the caller's "KEY=value" fields (those without '=' are skipped). */
static int serialize(struct tl_buf *b, int prio, const char *const *fields, const char *msg)
{
	char pbuf[16];
	int r;

	b->len = 0;
	snprintf(pbuf, sizeof(pbuf), "%d", prio);
	r = put_field(b, "MESSAGE", 7, msg);
	if (r == 0)
		r = put_field(b, "PRIORITY", 8, pbuf);
	for (int i = 0; r == 0 && fields && fields[i]; i++) {
		const char *eq = strchr(fields[i], '=');

		if (eq && eq != fields[i])
			r = put_field(b, fields[i], (size_t)(eq - fields[i]), eq + 1);
	}
	return r;
}

/* Hand an entry too large for a datagram over as a sealed memfd, as journald expects. */
static int send_memfd(struct tl_journal *j, const struct sockaddr_un *sa)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {0};
	struct msghdr mh = {.msg_name = (void *)sa,
			    .msg_namelen = sizeof(*sa),
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	int mfd, r;

	mfd = memfd_create("tlbisod-journal", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	if (mfd < 0)
		return -errno;
	r = tl_write_all(mfd, j->payload.data, j->payload.len);
	if (r == 0 && fcntl(mfd, F_ADD_SEALS, JOURNAL_SEALS) < 0)
		r = -errno;
	if (r == 0) {
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &mfd, sizeof(int));
		if (sendmsg(j->fd, &mh, MSG_NOSIGNAL) < 0)
			r = -errno;
	}
	close(mfd);
	return r;
}

/*
 * Send the payload: one datagram, or the memfd when the kernel says it is too
 * large. The socket is not connected: each send names journald's socket, so
 * a restarted journald needs no reconnection.
 */
static int send_payload(struct tl_journal *j)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	if (strlen(j->path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, j->path);
	if (j->fd < 0) {
		j->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (j->fd < 0)
			return -errno;
	}
	if (sendto(j->fd, j->payload.data, j->payload.len, MSG_NOSIGNAL, (struct sockaddr *)&sa,
		   sizeof(sa)) >= 0)
		return 0;
	if (errno != EMSGSIZE && errno != ENOBUFS)
		return -errno;
	return send_memfd(j, &sa);
}

int tl_journal_send(struct tl_journal *j, int prio, const char *const *fields, const char *msg)
{
	int r = serialize(&j->payload, prio, fields, msg);

	if (r == 0)
		r = send_payload(j);
	if (r == 0) {
		j->sent++;
		return 0;
	}
	/* Nobody listens there: stderr still reaches a reader. */
	if (r == -ENOENT || r == -ECONNREFUSED || r == -ENOTDIR)
		return r;
	/* Backed up (EAGAIN) or refused: waiting would stall the loop, so drop and count. */
	j->dropped++;
	return 0;
}

/* The logger's sink: the journal state is its context. */
static int journal_sink(void *ctx, int prio, const char *const *fields, const char *msg)
{
	return tl_journal_send(ctx, prio, fields, msg);
}

bool tl_log_use_journal(struct tl_logger *l, struct tl_journal *j)
{
	if (!stderr_is_journal())
		return false;
	l->sink = journal_sink;
	l->sink_ctx = j;
	l->color = false;
	return true;
}
