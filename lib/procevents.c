// SPDX-License-Identifier: GPL-2.0-or-later
/* The netlink proc connector: subscribe, drain and decode process events. */
#include "config.h"

#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "procevents.h"

/* A bigger receive buffer rides out fork storms between two polls. */
#define PE_RCVBUF (1 << 20)

/* The subscription message: netlink header, connector header, the op. */
struct pe_ctl {
	struct nlmsghdr nl;
	struct cn_msg cn;
	enum proc_cn_mcast_op op;
} __attribute__((packed));

/* Tell the kernel to start (or stop) sending us events. */
static int pe_send_op(int fd, enum proc_cn_mcast_op op)
{
	struct pe_ctl m;

	memset(&m, 0, sizeof(m));
	m.nl.nlmsg_len = sizeof(m);
	m.nl.nlmsg_type = NLMSG_DONE;
	m.nl.nlmsg_pid = 0;
	m.cn.id.idx = CN_IDX_PROC;
	m.cn.id.val = CN_VAL_PROC;
	m.cn.len = sizeof(op);
	m.op = op;
	return send(fd, &m, sizeof(m), 0) < 0 ? -errno : 0;
}

int procevents_open(struct procevents *pe, struct tl_err *e)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC};
	int sz = PE_RCVBUF, r;

	memset(pe, 0, sizeof(*pe));
	pe->fd = socket(PF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR);
	if (pe->fd < 0)
		return tl_err_sys(e, errno, "netlink connector socket");
	/* FORCE needs CAP_NET_ADMIN, which the connector needs anyway; plain is the fallback. */
	if (setsockopt(pe->fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		(void)setsockopt(pe->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (bind(pe->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = tl_err_sys(e, errno, "binding to the proc connector");
		goto fail;
	}
	r = pe_send_op(pe->fd, PROC_CN_MCAST_LISTEN);
	if (r < 0) {
		tl_err_sys(e, -r, "subscribing to process events");
		goto fail;
	}
	return 0;
fail:
	close(pe->fd);
	pe->fd = -1;
	return r;
}

/* Decode one proc_event; the ack of our subscription confirms the connector works. */
static int pe_decode(struct procevents *pe, const struct proc_event *ev, procevents_fn fn,
		     void *arg)
{
	struct procevent out = {0};

	switch (ev->what) {
	case PROC_EVENT_NONE:
		/* Kernels before 6.6 refuse non-root listeners here, with EPERM. */
		pe->ack_err = (int)ev->event_data.ack.err;
		pe->confirmed = pe->ack_err == 0;
		return 0;
	case PROC_EVENT_FORK:
		out.kind = PROCEVENT_FORK;
		out.pid = ev->event_data.fork.child_tgid;
		out.tid = ev->event_data.fork.child_pid;
		out.parent_pid = ev->event_data.fork.parent_tgid;
		break;
	case PROC_EVENT_EXEC:
		out.kind = PROCEVENT_EXEC;
		out.pid = ev->event_data.exec.process_tgid;
		out.tid = ev->event_data.exec.process_pid;
		break;
	case PROC_EVENT_COMM:
		out.kind = PROCEVENT_COMM;
		out.pid = ev->event_data.comm.process_tgid;
		out.tid = ev->event_data.comm.process_pid;
		break;
	default:
		return 0;
	}
	/* Any real event also proves the connector delivers. */
	pe->confirmed = true;
	fn(&out, arg);
	return 1;
}

int procevents_parse(struct procevents *pe, const void *buf, size_t len, procevents_fn fn,
		     void *arg)
{
	const struct nlmsghdr *nl = buf;
	struct proc_event ev;
	int n = 0;

	for (; NLMSG_OK(nl, len); nl = NLMSG_NEXT(nl, len)) {
		const struct cn_msg *cn = NLMSG_DATA(nl);

		if (nl->nlmsg_type == NLMSG_ERROR || nl->nlmsg_type == NLMSG_NOOP)
			continue;
		if (nl->nlmsg_len < NLMSG_LENGTH(sizeof(*cn) + sizeof(struct proc_event)))
			continue;
		if (cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC ||
		    cn->len < sizeof(struct proc_event))
			continue;
		/* The event sits at a 4-byte offset; copy it to read its 8-byte fields. */
		memcpy(&ev, cn->data, sizeof(ev));
		n += pe_decode(pe, &ev, fn, arg);
	}
	return n;
}

/* Receive one datagram; only the kernel (port id 0) may speak on this socket. */
static ssize_t pe_recv(int fd, void *buf, size_t len)
{
	struct sockaddr_nl from;
	socklen_t fl = sizeof(from);
	ssize_t n = recvfrom(fd, buf, len, 0, (struct sockaddr *)&from, &fl);

	if (n >= 0 && from.nl_pid != 0)
		return 0;
	return n < 0 ? -errno : n;
}

int procevents_read(struct procevents *pe, procevents_fn fn, void *arg, struct tl_err *e)
{
	long buf[1024]; /* 8 KiB, aligned for nlmsghdr */
	int total = 0;

	if (pe->fd < 0)
		return 0;
	for (;;) {
		ssize_t n = pe_recv(pe->fd, buf, sizeof(buf));

		if (n == -EAGAIN || n == -EWOULDBLOCK)
			return total;
		if (n == -EINTR)
			continue;
		if (n == -ENOBUFS) {
			pe->lost++;
			continue;
		}
		if (n < 0)
			return tl_err_sys(e, (int)-n, "reading process events");
		total += procevents_parse(pe, buf, (size_t)n, fn, arg);
	}
}

void procevents_close(struct procevents *pe)
{
	if (pe->fd < 0)
		return;
	(void)pe_send_op(pe->fd, PROC_CN_MCAST_IGNORE);
	close(pe->fd);
	pe->fd = -1;
}
