// SPDX-License-Identifier: GPL-2.0-or-later
/* tlbisoctl top: a live view of the interrupts reaching the isolated CPUs. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "ctlproto.h"
#include "daemon.h"
#include "ipitrace.h"
#include "isolset.h"
#include "monitor.h"
#include "path.h"
#include "selfpin.h"
#include "term.h"
#include "topview.h"
#include "verbs.h"

#define TOP_WARNING                                                                             \
	"--attribution arms tracepoints: that flips static keys, which sends one IPI to every " \
	"CPU (the isolated ones too) at start and once more at exit"

struct top_args {
	struct cpuset cpus, nohz;
	bool have_cpus, attribution;
	unsigned interval_ms;
	long iterations; /* 0: until q or a signal */
	const char *sysroot, *runtime_dir;
};

/* Everything the loop touches, so the steps stay small. */
struct top_state {
	const struct top_args *a;
	struct tl_path p;
	struct monitor mon;
	struct topview view;
	struct ipitrace *trace;
	struct term term;
	struct tl_buf frame;
	bool tty, redraw;
};

static void top_usage(FILE *out)
{
	fprintf(out,
		"Usage:\n"
		" tlbisoctl top [options]\n"
		"\n"
		"A live view of the isolated CPUs: TLB, CAL, RES, LOC, IWI and device IRQs\n"
		"per second from /proc/interrupts, the alert state tlbisod reports when it\n"
		"runs, and the process sending the most IPIs to each CPU: with --attribution\n"
		"from a tracer of its own, else from tlbisod's alerts when its\n"
		"monitor.attribution is on (nothing is armed for that).\n"
		"Values over the configured thresholds are shown in red. On a terminal 'q'\n"
		"quits; otherwise one line is printed per interval.\n"
		"\n"
		"Options:\n"
		" -c, --cpus LIST        CPUs to show (default: the isolated CPUs)\n"
		" -i, --interval MS      sampling interval, 50..60000 (default 1000)\n"
		" -n, --iterations N     stop after N intervals (default: run until 'q')\n"
		" -a, --attribution      name the top sender per CPU (tracefs; root)\n"
		"     --sysroot DIR      read /proc and /sys under DIR (no attribution)\n"
		"     --runtime-dir DIR  where tlbisod's socket is (default %s)\n"
		" -h, --help             display this help\n"
		"\n"
		"Note: " TOP_WARNING ".\n"
		"\n"
		"Exit status: 0 quit, 2 usage error, 3 could not read /proc/interrupts.\n",
		TLBISOD_RUNTIME_DIR);
}

/* One option into args; returns 0, TL_EXIT_USAGE, or -1 after printing help. */
static int top_option(struct verb_ctx *ctx, int c, struct top_args *a)
{
	struct tl_err e;
	char *end;
	long v;

	switch (c) {
	case 'c':
		if (cpulist_parse(optarg, &a->cpus, &e) < 0 || cpuset_empty(&a->cpus))
			return verb_usage_error(ctx, "top", "bad --cpus '%s'", optarg);
		a->have_cpus = true;
		return 0;
	case 'i':
	case 'n':
		v = strtol(optarg, &end, 10);
		if (*end || end == optarg || v < (c == 'i' ? 50 : 1) ||
		    v > (c == 'i' ? 60000 : 1L << 30))
			return verb_usage_error(ctx, "top", "bad --%s '%s'",
						c == 'i' ? "interval" : "iterations", optarg);
		if (c == 'i')
			a->interval_ms = (unsigned)v;
		else
			a->iterations = v;
		return 0;
	case 'a':
		a->attribution = true;
		return 0;
	case 's':
		a->sysroot = optarg;
		return 0;
	case 'r':
		a->runtime_dir = optarg;
		return 0;
	case 'h':
		top_usage(stdout);
		return -1;
	default:
		return verb_usage_error(ctx, "top", "unknown option");
	}
}

static int top_parse(struct verb_ctx *ctx, int argc, char **argv, struct top_args *a)
{
	static const struct option opts[] = {
		{"cpus", required_argument, NULL, 'c'},
		{"interval", required_argument, NULL, 'i'},
		{"iterations", required_argument, NULL, 'n'},
		{"attribution", no_argument, NULL, 'a'},
		{"sysroot", required_argument, NULL, 's'},
		{"runtime-dir", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c, r;

	a->interval_ms = 1000;
	a->runtime_dir = TLBISOD_RUNTIME_DIR;
	while ((c = getopt_long(argc, argv, "c:i:n:ah", opts, NULL)) != -1) {
		r = top_option(ctx, c, a);
		if (r != 0)
			return r;
	}
	if (optind < argc)
		return verb_usage_error(ctx, "top", "unexpected argument '%s'", argv[optind]);
	if (a->attribution && a->sysroot)
		return verb_usage_error(ctx, "top",
					"--attribution traces the live kernel: "
					"not with --sysroot");
	return 0;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The daemon's status when one answers quickly; NULL otherwise (top works without it). */
static struct json_object *top_daemon_status(const struct top_state *st)
{
	struct json_object *reply = NULL, *status = NULL;
	struct tl_err e;

	if (st->a->sysroot || ctl_call(st->a->runtime_dir, CTL_CMD_STATUS, 200, &reply, &e) < 0)
		return NULL;
	if (json_object_object_get_ex(reply, "status", &status))
		json_object_get(status);
	json_object_put(reply);
	return status;
}

/* Each CPU's top sender over the last interval, as "comm[pid] class". */
static void top_senders(struct top_state *st)
{
	unsigned window = (st->a->interval_ms + 999) / 1000;
	struct ipi_sender s;
	char text[80];

	for (int i = 0; i < st->view.nrows; i++) {
		int cpu = st->view.rows[i].cpu;

		text[0] = '\0';
		if (ipitrace_top_senders(st->trace, window, IPI_CLASS_ALL, cpu, &s, 1) == 1)
			snprintf(text, sizeof(text), "%s[%d] %s %llu", s.comm[0] ? s.comm : "?",
				 (int)s.pid, ipiclass_name(s.cls), (unsigned long long)s.count);
		topview_set_sender(&st->view, cpu, text);
	}
}

/* Draw the view: the full screen on a terminal, one line on a pipe. */
static int top_draw(struct top_state *st)
{
	char clock[16];
	time_t now = time(NULL);
	struct tm tm;
	int cols, lines;

	if (st->tty) {
		term_size(&st->term, &cols, &lines);
		topview_render_screen(&st->view, cols, lines, getenv("NO_COLOR") == NULL,
				      &st->frame);
		return tl_write_all(STDOUT_FILENO, st->frame.data, st->frame.len);
	}
	localtime_r(&now, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	topview_render_line(&st->view, clock, &st->frame);
	return tl_write_all(STDOUT_FILENO, st->frame.data, st->frame.len);
}

/* One interval: sample, ask the daemon, name senders, draw. */
static int top_tick(struct top_state *st, struct tl_err *e)
{
	struct json_object *status;

	if (monitor_sample(&st->mon, &st->p, mono_ns(), e) < 0)
		return -1;
	topview_from_monitor(&st->view, &st->mon);
	status = top_daemon_status(st);
	topview_from_status(&st->view, status);
	json_object_put(status);
	if (st->trace) {
		ipitrace_on_readable(st->trace, -1, e);
		top_senders(st);
	}
	return top_draw(st);
}

/* Signals and the interval timer as descriptors, for the one poll loop. */
static int top_fds(const struct top_args *a, int *sfd, int *tfd, sigset_t *old)
{
	struct itimerspec its = {0};
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGWINCH);
	sigprocmask(SIG_BLOCK, &set, old);
	*sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	*tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	its.it_interval.tv_sec = a->interval_ms / 1000;
	its.it_interval.tv_nsec = (long)(a->interval_ms % 1000) * 1000000L;
	its.it_value = its.it_interval;
	if (*sfd < 0 || *tfd < 0 || timerfd_settime(*tfd, 0, &its, NULL) < 0)
		return -errno;
	return 0;
}

/* A signal: SIGWINCH redraws, the others end the loop (returns true to stop). */
static bool top_signal(struct top_state *st, int sfd)
{
	struct signalfd_siginfo si;
	bool stop = false;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGWINCH) {
			if (st->tty)
				tl_write_all(STDOUT_FILENO, "\033[2J", 4);
			top_draw(st);
		} else {
			stop = true;
		}
	}
	return stop;
}

/* Keys: 'q' (or Q) quits; everything else is ignored. */
static bool top_key(void)
{
	char k[32];
	ssize_t n = read(STDIN_FILENO, k, sizeof(k));

	for (ssize_t i = 0; i < n; i++)
		if (k[i] == 'q' || k[i] == 'Q')
			return true;
	return n == 0; /* end of input on a terminal: quit too */
}

/* The loop: timer ticks, keys, signals and (with attribution) trace buffers. */
static int top_loop(struct top_state *st, int sfd, int tfd, struct tl_err *e)
{
	struct pollfd pfd[3] = {{.fd = sfd, .events = POLLIN},
				{.fd = tfd, .events = POLLIN},
				{.fd = st->tty ? STDIN_FILENO : -1, .events = POLLIN}};
	uint64_t ticks;
	long done = 0;

	if (top_tick(st, e) < 0)
		return -1;
	for (;;) {
		if (poll(pfd, 3, -1) < 0 && errno != EINTR)
			return tl_err_sys(e, errno, "poll");
		if ((pfd[0].revents & POLLIN) && top_signal(st, sfd))
			return 0;
		if ((pfd[2].revents & (POLLIN | POLLHUP)) && top_key())
			return 0;
		if ((pfd[1].revents & POLLIN) && read(tfd, &ticks, sizeof(ticks)) > 0) {
			if (top_tick(st, e) < 0)
				return -1;
			if (st->a->iterations && ++done >= st->a->iterations)
				return 0;
		}
	}
}

/* The thresholds of the config file when there is a valid one, else the defaults. */
static void top_thresholds(struct verb_ctx *ctx, double *thr)
{
	struct conf_problems probs = {0};
	struct tl_config c;
	struct tl_err e;

	conf_defaults(&c);
	if (conf_load(&c, TL_CONF_DEFAULT_PATH, true, &probs, &e) < 0)
		tl_log(&ctx->log, LOG_WARNING, "%s: %s; using default thresholds",
		       TL_CONF_DEFAULT_PATH, e.msg);
	memcpy(thr, c.monitor.threshold, sizeof(c.monitor.threshold));
}

/* Resolve the CPUs, pin away from them, set up the monitor, view and tracer. */
static int top_setup(struct verb_ctx *ctx, struct top_state *st, struct top_args *a,
		     struct tl_err *e)
{
	enum isol_origin origin;
	double thr[SRC_COUNT];
	struct cpuset scratch;

	if (tl_path_init(&st->p, a->sysroot, e) < 0)
		return TL_EXIT_CANNOT_RUN;
	/* With --cpus the facts still give nohz_full, which the monitor needs for LOC. */
	if (isolset_default(&st->p, a->have_cpus ? &scratch : &a->cpus, &a->nohz, &origin, e) < 0)
		return TL_EXIT_CANNOT_RUN;
	if (cpuset_empty(&a->cpus))
		return verb_usage_error(ctx, "top", "no isolated CPUs on this node: give --cpus");
	if (!a->sysroot)
		selfpin_away(&st->p, &a->cpus, e);
	top_thresholds(ctx, thr);
	if (topview_init(&st->view, &a->cpus, thr, a->interval_ms) < 0 ||
	    monitor_init(&st->mon, &a->cpus, &a->nohz, 1, 1, e) < 0)
		return TL_EXIT_CANNOT_RUN;
	return 0;
}

/* Arm the tracer once, after saying what it costs. */
static int top_attribution(struct verb_ctx *ctx, struct top_state *st, struct tl_err *e)
{
	struct ipitrace_opts o = {.targets = st->a->cpus};

	tl_log(&ctx->log, LOG_WARNING, "%s", TOP_WARNING);
	ipitrace_clean_stale(e);
	if (ipitrace_open(&st->trace, &st->p, &o, e) < 0)
		return -1;
	st->view.attribution = true;
	return 0;
}

static void top_cleanup(struct top_state *st)
{
	term_leave(&st->term);
	ipitrace_close(st->trace);
	monitor_free(&st->mon);
	topview_free(&st->view);
	tl_buf_free(&st->frame);
	tl_path_fini(&st->p);
}

int verb_top(struct verb_ctx *ctx, int argc, char **argv)
{
	struct top_args a = {0};
	struct top_state st = {.a = &a};
	struct tl_err e = {0};
	int r, sfd = -1, tfd = -1, rc = TL_EXIT_OK;
	sigset_t old;

	r = top_parse(ctx, argc, argv, &a);
	if (r != 0)
		return r < 0 ? TL_EXIT_OK : r;
	r = top_setup(ctx, &st, &a, &e);
	if (r == 0 && a.attribution && top_attribution(ctx, &st, &e) < 0)
		r = TL_EXIT_CANNOT_RUN;
	if (r == 0 && top_fds(&a, &sfd, &tfd, &old) < 0)
		r = TL_EXIT_CANNOT_RUN;
	if (r == 0) {
		st.tty = term_enter(&st.term, STDIN_FILENO, STDOUT_FILENO) == 0;
		if (top_loop(&st, sfd, tfd, &e) < 0)
			rc = TL_EXIT_CANNOT_RUN;
		term_leave(&st.term);
		sigprocmask(SIG_SETMASK, &old, NULL);
	} else {
		rc = r;
	}
	if (rc == TL_EXIT_CANNOT_RUN && e.msg[0])
		tl_log(&ctx->log, LOG_ERR, "%s", e.msg);
	if (sfd >= 0)
		close(sfd);
	if (tfd >= 0)
		close(tfd);
	top_cleanup(&st);
	return rc;
}
