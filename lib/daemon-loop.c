// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tlbisod's one event loop: signalfd (TERM/INT stop, HUP reloads, CHLD reaps
 * the hook), a timerfd for sampling, the control socket and its clients, the
 * hook's pidfd and the IPI tracer's buffers, all in one epoll. Nothing here
 * blocks: clients are non-blocking with a size limit and an idle timeout, the
 * hook is a child killed at its deadline, trace buffers are read a bounded
 * amount at a time (what the kernel overwrites meanwhile is counted as lost).
 * This is the daemon's edge: it logs.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alert-ids.h"
#include "ctlproto.h"
#include "daemon-loop.h"
#include "daemon-out.h"
#include "grouplookup.h"
#include "sdnotify.h"

#define LOOP_CLIENTS   16
#define CLIENT_IDLE_MS 5000
#define LOOP_EVENTS    64

enum { TAG_SIGNAL, TAG_TIMER, TAG_LISTEN, TAG_HOOK, TAG_CLIENT, TAG_WORKLOAD, TAG_TRACE };

struct loop_client {
	int fd; /* -1 when free */
	uid_t uid;
	char *in; /* CTL_REQUEST_MAX bytes while connected: idle slots hold no pages */
	size_t in_len;
	char *out; /* reply being sent, then the client is closed */
	size_t out_len, out_off;
	uint64_t deadline_ns;
};

struct loop {
	struct tlbisod *d;
	int ep, sfd, tfd, lfd;
	char sock_path[PATH_MAX];
	struct loop_client cl[LOOP_CLIENTS];
	bool stop;
	uint64_t watchdog_usec;
	/* $NOTIFY_SOCKET, NULL outside systemd */
	const char *notify_socket;
	int wl_fd;		 /* the workload engine's fd in the epoll, -1 when none */
	unsigned int since_slow; /* samples since the last slow tick */
	bool resets_before;	 /* the previous sample found a counter reset */
};

/*
 * Housekeeping drift and the workload tick (an intruder scan reads every
 * task's stat) cost milliseconds, sampling microseconds: they run every
 * SLOW_MIN_SAMPLES samples and at least SLOW_MIN_MS apart, i.e. every
 * max(1 s, 5 samples). New processes are still placed at once when process
 * events work; only drift, intruders and the /proc-scan fallback wait.
 */
#define SLOW_MIN_SAMPLES 5
#define SLOW_MIN_MS	 1000

/* Monotonic nanoseconds: deadlines and sample times must not jump with the clock. */
static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Watch fd; the tag and index come back in the event so dispatch needs no lookup. */
static int ep_add(struct loop *l, int fd, uint32_t events, uint32_t tag, uint32_t idx)
{
	struct epoll_event ev = {.events = events, .data.u64 = ((uint64_t)tag << 32) | idx};

	return epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/* Signals arrive through the signalfd only: block them, and ignore SIGPIPE. */
static int setup_signals(struct loop *l, struct tl_err *e)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return tl_err_sys(e, errno, "sigprocmask");
	signal(SIGPIPE, SIG_IGN);
	l->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (l->sfd < 0)
		return tl_err_sys(e, errno, "signalfd");
	return ep_add(l, l->sfd, EPOLLIN, TAG_SIGNAL, 0);
}

/* Arm the sampling timer with the configured interval. */
static int arm_timer(struct loop *l, struct tl_err *e)
{
	int ms = l->d->conf.monitor.interval_ms;
	struct itimerspec its = {
		.it_interval = {ms / 1000, (long)(ms % 1000) * 1000000},
		.it_value = {ms / 1000, (long)(ms % 1000) * 1000000},
	};

	if (timerfd_settime(l->tfd, 0, &its, NULL) < 0)
		return tl_err_sys(e, errno, "timerfd_settime");
	return 0;
}

/* The sampling timer, watched by the loop. */
static int setup_timer(struct loop *l, struct tl_err *e)
{
	l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (l->tfd < 0)
		return tl_err_sys(e, errno, "timerfd_create");
	if (arm_timer(l, e) < 0)
		return -e->code;
	return ep_add(l, l->tfd, EPOLLIN, TAG_TIMER, 0);
}

/*
 * Root and group tlbiso (when it exists) may connect: mode 0660. A lookup
 * that fails (a directory service down) leaves the socket to root, which
 * is safe, rather than keeping the daemon from starting.
 */
static int socket_perms(const struct loop *l, const char *path, struct tl_err *e)
{
	struct tl_err ge = {0};
	gid_t gid;
	int r = tl_group_lookup("tlbiso", &gid, &ge);

	if (r < 0)
		tl_log(l->d->log, LOG_WARNING, "%s: root only: %s", path, ge.msg);
	if (r > 0 && chown(path, 0, gid) < 0 && errno != EPERM)
		return tl_err_sys(e, errno, "chown %s", path);
	if (chmod(path, 0660) < 0)
		return tl_err_sys(e, errno, "chmod %s", path);
	return 0;
}

/* Create RUNTIME_DIR/tlbiso.sock, replacing a stale one. */
static int setup_socket(struct loop *l, struct tl_err *e)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	const char *dir = l->d->opt.runtime_dir;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return tl_err_sys(e, errno, "%s", dir);
	if (ctl_socket_path(dir, sa.sun_path, sizeof(sa.sun_path)) < 0)
		return tl_err_set(e, ENAMETOOLONG, "%s: path too long for a socket", dir);
	snprintf(l->sock_path, sizeof(l->sock_path), "%s", sa.sun_path);
	l->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->lfd < 0)
		return tl_err_sys(e, errno, "socket");
	unlink(sa.sun_path);
	if (bind(l->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return tl_err_sys(e, errno, "bind %s", sa.sun_path);
	if (socket_perms(l, sa.sun_path, e) < 0)
		return -e->code;
	if (listen(l->lfd, 16) < 0)
		return tl_err_sys(e, errno, "listen %s", sa.sun_path);
	return ep_add(l, l->lfd, EPOLLIN, TAG_LISTEN, 0);
}

/* Tell systemd (when present) the one-line state, optionally with a prefix such as READY=1. */
static void notify_status(const struct loop *l, const char *prefix)
{
	char line[512];

	tlbisod_status_line(l->d, line, sizeof(line));
	tl_sd_notifyf(l->notify_socket, "%sSTATUS=%s", prefix, line);
}

/* Log, hook and count the alert events of one sample. */
static void handle_events(struct loop *l, const struct alert_event *ev, int n)
{
	for (int i = 0; i < n; i++) {
		tlbisod_log_event(l->d, &ev[i]);
		tlbisod_run_hook(l->d, &ev[i], now_ns());
	}
}

/*
 * Say once per run of samples with resets which CPUs had a counter go back
 * (a driver re-registering an IRQ, or a bad file): the monitor skipped those
 * deltas, so a rate may read low, and a person should know why.
 */
static void log_resets(struct loop *l)
{
	const struct monitor *m = &l->d->mon;
	struct cpuset cpus;
	char list[256];
	bool any;

	cpuset_zero(&cpus);
	for (int i = 0; i < m->ncpus; i++)
		if (m->cpus[i].last_resets)
			cpuset_set(&cpus, m->cpus[i].cpu);
	any = !cpuset_empty(&cpus);
	if (any && !l->resets_before && cpulist_format(&cpus, list, sizeof(list)) == 0)
		tl_log(l->d->log, LOG_WARNING,
		       "/proc/interrupts: a counter went back on CPU %s (a reset, not a wrap): "
		       "its delta is skipped",
		       list);
	l->resets_before = any;
}

/*
 * One sample: a failure is logged and skipped, the loop goes on. A run of
 * failures is logged at its start and whenever its cause changes (a missing
 * file that then turns into a directory), not at every interval.
 */
static int do_sample(struct loop *l)
{
	struct alert_event ev[ALERT_SLOTS];
	struct tl_err e = {0};
	bool failed_before = l->d->last_sample_failed;
	char cause_before[sizeof(l->d->sample_error)];
	int n;

	snprintf(cause_before, sizeof(cause_before), "%s", l->d->sample_error);
	n = tlbisod_sample(l->d, now_ns(), time(NULL), ev, ALERT_SLOTS, &e);
	if (n < 0) {
		if (!failed_before || strcmp(cause_before, e.msg))
			tl_log(l->d->log, LOG_ERR, "sample skipped: %s", e.msg);
		return n;
	}
	if (failed_before)
		tl_log(l->d->log, LOG_INFO, "sampling works again");
	if (l->d->mon_ready)
		log_resets(l);
	handle_events(l, ev, n);
	tlbisod_write_textfile(l->d);
	return 0;
}

/* Samples between slow ticks: max(1 s, SLOW_MIN_SAMPLES samples). */
static unsigned int slow_every(const struct loop *l)
{
	unsigned int ms = (unsigned int)l->d->conf.monitor.interval_ms;
	unsigned int n = (SLOW_MIN_MS + ms - 1) / ms;

	return n > SLOW_MIN_SAMPLES ? n : SLOW_MIN_SAMPLES;
}

/* Housekeeping drift and the workload tick, on their slower cadence. */
static void maybe_slow_tick(struct loop *l)
{
	struct alert_event ev[1];
	int n;

	if (++l->since_slow < slow_every(l))
		return;
	l->since_slow = 0;
	n = tlbisod_slow_tick(l->d, ev, 1);
	handle_events(l, ev, n);
	tlbisod_attr_tick(l->d);
}

/*
 * Add (on) or remove the tracer's buffers from the epoll. Removed before a
 * reload may close them (a closed number could be reused by a client), added
 * back after; the fd is the event's index, to read only that buffer.
 */
static void watch_trace(struct loop *l, bool on)
{
	static_assert(TL_MAX_CPUS <= 8192, "the descriptor list lives on the stack");
	int fds[TL_MAX_CPUS];
	int n = tlbisod_attr_fds(l->d, fds, TL_MAX_CPUS);

	for (int i = 0; i < n; i++) {
		if (on)
			ep_add(l, fds[i], EPOLLIN, TAG_TRACE, (uint32_t)fds[i]);
		else
			epoll_ctl(l->ep, EPOLL_CTL_DEL, fds[i], NULL);
	}
}

/*
 * Keep the workload engine's fd in the epoll. After a reload the engine is
 * new and its fd may reuse the old number (closing removed it): renew.
 */
static void watch_workload(struct loop *l, bool renew)
{
	int fd = l->d->wl_ready ? workload_engine_fd(&l->d->wl) : -1;

	if (fd == l->wl_fd && !renew)
		return;
	if (l->wl_fd >= 0)
		epoll_ctl(l->ep, EPOLL_CTL_DEL, l->wl_fd, NULL);
	l->wl_fd = -1;
	if (fd >= 0 && ep_add(l, fd, EPOLLIN, TAG_WORKLOAD, 0) == 0)
		l->wl_fd = fd;
}

/* The timer fired: sample, then tell systemd we are alive. */
static void on_timer(struct loop *l)
{
	uint64_t exp;

	if (read(l->tfd, &exp, sizeof(exp)) != sizeof(exp))
		return;
	do_sample(l);
	maybe_slow_tick(l);
	notify_status(l, l->watchdog_usec ? "WATCHDOG=1\n" : "");
}

/* Reload the config (SIGHUP or the socket); refusal keeps the old config. */
static bool do_reload(struct loop *l, char *err, size_t errsz)
{
	int old_ms = l->d->conf.monitor.interval_ms;
	struct tl_err e = {0};
	const char *f[] = {"MESSAGE_ID=" TLBISOD_MESSAGE_ID_LIFECYCLE, NULL};
	bool ok;

	tl_sd_notifyf(l->notify_socket, "RELOADING=1\nMONOTONIC_USEC=%llu",
		      (unsigned long long)(now_ns() / 1000));
	watch_trace(l, false);
	ok = tlbisod_reload(l->d, &e) == 0;
	watch_trace(l, true);
	if (ok) {
		tl_log_fields(l->d->log, LOG_INFO, f, "configuration reloaded from %s",
			      l->d->opt.config);
		if (l->d->conf.monitor.interval_ms != old_ms)
			arm_timer(l, &e);
	} else {
		tl_log_fields(l->d->log, LOG_ERR, f,
			      "reload refused, the previous configuration "
			      "stays in force:\n%s",
			      l->d->last_reload_error);
		snprintf(err, errsz, "%s", l->d->last_reload_error);
	}
	watch_workload(l, true);
	notify_status(l, "READY=1\n");
	return ok;
}

/* Reap the hook: log a failure, and forget it so that the next may run. */
static void reap_hook(struct loop *l)
{
	struct tlbisod *d = l->d;
	int st;

	if (d->hook_pid <= 0 || waitpid(d->hook_pid, &st, WNOHANG) <= 0)
		return;
	if (WIFSIGNALED(st))
		tl_log(d->log, LOG_WARNING, "hook %s killed by signal %d", d->conf.alerts.hook,
		       WTERMSIG(st));
	else if (WEXITSTATUS(st))
		tl_log(d->log, LOG_WARNING, "hook %s exited with status %d", d->conf.alerts.hook,
		       WEXITSTATUS(st));
	if (d->hook_pidfd >= 0)
		close(d->hook_pidfd);
	d->hook_pidfd = -1;
	d->hook_pid = -1;
}

/* Watch a newly spawned hook's pidfd (SIGCHLD reaps it when there is none). */
static void watch_hook(struct loop *l, int *watched)
{
	if (l->d->hook_pidfd >= 0 && *watched != l->d->hook_pidfd) {
		ep_add(l, l->d->hook_pidfd, EPOLLIN, TAG_HOOK, 0);
		*watched = l->d->hook_pidfd;
	}
}

/* Kill a hook that outlived its timeout; it is reaped when its pidfd fires. */
static void hook_deadline(struct loop *l, uint64_t now)
{
	struct tlbisod *d = l->d;

	if (d->hook_pid <= 0 || now < d->hook_deadline_ns)
		return;
	tl_log(d->log, LOG_WARNING, "hook %s still running after %d ms: killed",
	       d->conf.alerts.hook, d->conf.alerts.hook_timeout_ms);
	kill(d->hook_pid, SIGKILL);
	d->hook_deadline_ns = UINT64_MAX;
}

/* Signals read from the signalfd: no work happens in a handler. */
static void on_signal(struct loop *l)
{
	struct signalfd_siginfo si;
	char err[64];

	while (read(l->sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
			l->stop = true;
		else if (si.ssi_signo == SIGHUP)
			do_reload(l, err, sizeof(err));
		else if (si.ssi_signo == SIGCHLD)
			reap_hook(l);
	}
}

/* Forget a client and free its slot. */
static void client_close(struct loop *l, struct loop_client *c)
{
	epoll_ctl(l->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->out);
	free(c->in);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/* Send what is left of the reply; close the client once it is all out. */
static void client_flush(struct loop *l, struct loop_client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			struct epoll_event ev = {.events = EPOLLOUT,
						 .data.u64 = ((uint64_t)TAG_CLIENT << 32) |
							     (uint32_t)(c - l->cl)};

			epoll_ctl(l->ep, EPOLL_CTL_MOD, c->fd, &ev);
			return;
		}
		if (n <= 0)
			break;
		c->out_off += (size_t)n;
	}
	client_close(l, c);
}

/* Queue a reply object (consumed) as one line. */
static void client_reply(struct loop *l, struct loop_client *c, json_object *reply)
{
	const char *s = json_object_to_json_string_ext(
		reply, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t n = strlen(s);

	c->out = malloc(n + 2);
	if (c->out) {
		memcpy(c->out, s, n);
		c->out[n] = '\n';
		c->out_len = n + 1;
		c->out_off = 0;
	}
	json_object_put(reply);
	/* a status of 1024 CPUs is thousands of small objects, which glibc keeps cached */
	malloc_trim(0);
	if (!c->out) {
		client_close(l, c);
		return;
	}
	client_flush(l, c);
}

/* Answer one request line. */
static void client_request(struct loop *l, struct loop_client *c, const char *line, size_t len)
{
	struct tl_err e = {0};
	enum ctl_cmd cmd;
	char err[2048];

	if (ctl_parse_request(line, len, &cmd, &e) < 0)
		return client_reply(l, c, ctl_reply_error(e.msg));
	if (ctl_cmd_privileged(cmd) && c->uid != 0)
		return client_reply(l, c,
				    ctl_reply_error("permission denied: this command needs "
						    "root"));
	if (cmd == CTL_CMD_STATUS)
		return client_reply(l, c, ctl_reply_ok("status", tlbisod_status(l->d)));
	if (cmd == CTL_CMD_RESTORE) {
		tl_log(l->d->log, LOG_NOTICE,
		       "restore requested: housekeeping restored and off until the next reload");
		tlbisod_hk_stop(l->d);
		l->d->hk_suspended = true;
		return client_reply(l, c, ctl_reply_ok(NULL, NULL));
	}
	if (do_reload(l, err, sizeof(err)))
		return client_reply(l, c, ctl_reply_ok(NULL, NULL));
	client_reply(l, c, ctl_reply_error(err));
}

/* Read what the client sent; answer at the first newline, refuse an oversized line. */
static void client_read(struct loop *l, struct loop_client *c)
{
	char *nl;
	ssize_t n = read(c->fd, c->in + c->in_len, CTL_REQUEST_MAX - 1 - c->in_len);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0)
		return client_close(l, c);
	c->in_len += (size_t)n;
	c->in[c->in_len] = '\0';
	nl = memchr(c->in, '\n', c->in_len);
	if (nl)
		return client_request(l, c, c->in, (size_t)(nl - c->in));
	if (c->in_len >= CTL_REQUEST_MAX - 1)
		client_reply(l, c, ctl_reply_error("request too long"));
}

/*
 * Every slot is taken: free the one of the client that has waited longest.
 * A slot is only held by a client that has not finished its request line or
 * not read its reply (a whole line is answered at once), so refusing the
 * newcomer instead would let LOOP_CLIENTS silent connections, renewed every
 * CLIENT_IDLE_MS, keep status from everyone else.
 */
static int client_evict_oldest(struct loop *l)
{
	int old = 0;

	for (int i = 1; i < LOOP_CLIENTS; i++)
		if (l->cl[i].deadline_ns < l->cl[old].deadline_ns)
			old = i;
	client_close(l, &l->cl[old]);
	return old;
}

/* A new connection: note its uid (SO_PEERCRED) and give it an idle deadline. */
static void on_accept(struct loop *l)
{
	struct ucred cr;
	socklen_t crl = sizeof(cr);
	int fd, i;

	while ((fd = accept4(l->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		for (i = 0; i < LOOP_CLIENTS && l->cl[i].fd >= 0; i++)
			;
		if (i == LOOP_CLIENTS)
			i = client_evict_oldest(l);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crl) < 0) {
			close(fd);
			continue;
		}
		l->cl[i].in = malloc(CTL_REQUEST_MAX);
		if (!l->cl[i].in) {
			close(fd);
			continue;
		}
		l->cl[i].fd = fd;
		l->cl[i].uid = cr.uid;
		l->cl[i].deadline_ns = now_ns() + CLIENT_IDLE_MS * 1000000ull;
		if (ep_add(l, fd, EPOLLIN, TAG_CLIENT, (uint32_t)i) < 0)
			client_close(l, &l->cl[i]);
	}
}

/* Close clients that said nothing (or did not read) for too long. */
static void client_timeouts(struct loop *l, uint64_t now)
{
	for (int i = 0; i < LOOP_CLIENTS; i++)
		if (l->cl[i].fd >= 0 && now >= l->cl[i].deadline_ns)
			client_close(l, &l->cl[i]);
}

/* How long epoll may sleep: until the next client or hook deadline. */
static int loop_timeout(const struct loop *l, uint64_t now)
{
	uint64_t next = UINT64_MAX;

	for (int i = 0; i < LOOP_CLIENTS; i++)
		if (l->cl[i].fd >= 0 && l->cl[i].deadline_ns < next)
			next = l->cl[i].deadline_ns;
	if (l->d->hook_pid > 0 && l->d->hook_deadline_ns < next)
		next = l->d->hook_deadline_ns;
	if (next == UINT64_MAX)
		return -1;
	return next <= now ? 0 : (int)((next - now) / 1000000 + 1);
}

/* Route one epoll event to its handler by tag. */
static void dispatch(struct loop *l, const struct epoll_event *ev)
{
	uint32_t tag = (uint32_t)(ev->data.u64 >> 32), idx = (uint32_t)ev->data.u64;

	switch (tag) {
	case TAG_SIGNAL:
		on_signal(l);
		break;
	case TAG_TIMER:
		on_timer(l);
		break;
	case TAG_LISTEN:
		on_accept(l);
		break;
	case TAG_HOOK:
		reap_hook(l);
		break;
	case TAG_WORKLOAD:
		tlbisod_wl_readable(l->d);
		break;
	case TAG_TRACE:
		tlbisod_attr_read(l->d, (int)idx);
		break;
	case TAG_CLIENT:
		if (l->cl[idx].fd < 0)
			break;
		if (ev->events & EPOLLOUT)
			client_flush(l, &l->cl[idx]);
		else
			client_read(l, &l->cl[idx]);
		break;
	}
}

/* Close everything the loop opened; the socket file goes too. */
static void loop_close(struct loop *l)
{
	for (int i = 0; i < LOOP_CLIENTS; i++)
		if (l->cl[i].fd >= 0)
			client_close(l, &l->cl[i]);
	if (l->lfd >= 0) {
		close(l->lfd);
		unlink(l->sock_path);
	}
	if (l->tfd >= 0)
		close(l->tfd);
	if (l->sfd >= 0)
		close(l->sfd);
	if (l->ep >= 0)
		close(l->ep);
}

/* Open the signalfd, the socket and the timer, and learn the watchdog period. */
static int loop_setup(struct loop *l, struct tlbisod *d, struct tl_err *e)
{
	int r;

	memset(l, 0, sizeof(*l));
	l->d = d;
	l->sfd = l->tfd = l->lfd = l->wl_fd = -1;
	for (int i = 0; i < LOOP_CLIENTS; i++)
		l->cl[i].fd = -1;
	l->ep = epoll_create1(EPOLL_CLOEXEC);
	if (l->ep < 0)
		return tl_err_sys(e, errno, "epoll_create1");
	r = setup_signals(l, e);
	if (r == 0)
		r = setup_socket(l, e);
	if (r == 0)
		r = setup_timer(l, e);
	/* systemd's environment, read once: the loop notifies on every sample. */
	l->notify_socket = getenv("NOTIFY_SOCKET");
	if (tl_sd_watchdog(getenv("WATCHDOG_USEC"), getenv("WATCHDOG_PID"), getpid(),
			   &l->watchdog_usec) <= 0)
		l->watchdog_usec = 0;
	if (r == 0)
		watch_workload(l, false);
	if (r == 0)
		watch_trace(l, true);
	return r;
}

/*
 * Start-up work that needs full root is done (socket chowned, housekeeping
 * applied): keep only what the loop needs. A failure is logged, not fatal.
 */
static void drop_caps(struct loop *l)
{
	struct tl_err e = {0};
	char kept[256];

	if (tlbisod_drop_caps(kept, sizeof(kept), &e) < 0)
		tl_log(l->d->log, LOG_WARNING, "capabilities not dropped: %s", e.msg);
	else
		tl_log(l->d->log, LOG_INFO, "capabilities kept: %s", kept);
}

/* What was found at start: the lost-deferral alert, and the degraded modes. */
static void announce_start(struct loop *l, const struct alert *lost)
{
	const char *f[] = {"MESSAGE_ID=" TLBISOD_MESSAGE_ID_LIFECYCLE, NULL};
	char line[512];

	tlbisod_status_line(l->d, line, sizeof(line));
	tl_log_fields(l->d->log, LOG_INFO, f, "started: %s", line);
	if (l->d->state_degraded)
		tl_log(l->d->log, LOG_WARNING, "degraded: state file not writable: %s",
		       l->d->state_error);
	if (l->d->pin_note[0])
		tl_log(l->d->log, LOG_WARNING, "%s", l->d->pin_note);
	if (l->d->checks_note[0])
		tl_log(l->d->log, LOG_NOTICE, "%s; tlbiso_check_status is omitted",
		       l->d->checks_note);
	/* WATCHDOG=1 goes with each sample: a slower interval would get us killed. */
	if (l->watchdog_usec &&
	    (uint64_t)l->d->conf.monitor.interval_ms * 1000 * 2 > l->watchdog_usec)
		tl_log(l->d->log, LOG_WARNING,
		       "interval_ms = %d is more than half of WatchdogSec (%llu ms): systemd may "
		       "kill tlbisod; lower interval_ms or raise WatchdogSec",
		       l->d->conf.monitor.interval_ms,
		       (unsigned long long)(l->watchdog_usec / 1000));
	if (lost) {
		struct alert_event ev = {.raised = true, .a = lost};

		handle_events(l, &ev, 1);
	}
}

int tlbisod_run(struct tlbisod *d, const struct alert *lost, struct tl_err *e)
{
	struct epoll_event evs[LOOP_EVENTS];
	struct loop l;
	int hook_watched = -1, r;

	r = loop_setup(&l, d, e);
	if (r == 0)
		drop_caps(&l);
	/* READY only after the first sample: a daemon that cannot read /proc is not ready. */
	if (r == 0 && do_sample(&l) < 0)
		r = tl_err_set(e, EIO, "first sample failed: %s", d->sample_error);
	if (r < 0) {
		loop_close(&l);
		tlbisod_hk_stop(d);
		return r;
	}
	announce_start(&l, lost);
	notify_status(&l, "READY=1\n");
	while (!l.stop) {
		int n = epoll_wait(l.ep, evs, LOOP_EVENTS, loop_timeout(&l, now_ns()));

		if (n < 0 && errno != EINTR) {
			r = tl_err_sys(e, errno, "epoll_wait");
			break;
		}
		for (int i = 0; i < n; i++)
			dispatch(&l, &evs[i]);
		watch_hook(&l, &hook_watched);
		hook_deadline(&l, now_ns());
		client_timeouts(&l, now_ns());
	}
	tl_sd_notify(l.notify_socket, "STOPPING=1");
	tl_log(d->log, LOG_INFO, "stopping");
	/* Put back every housekeeping change (the journal, in reverse order) before exit. */
	tlbisod_hk_stop(d);
	loop_close(&l);
	/* Disarm (one more burst of IPIs to every CPU) and remove the tracefs instance. */
	tlbisod_attr_stop(d);
	return r;
}
