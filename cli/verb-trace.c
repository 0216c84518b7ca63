// SPDX-License-Identifier: GPL-2.0-or-later
/* tlbisoctl trace: who sends IPIs to the isolated CPUs, for a while, then a table or JSON. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "ipireport.h"
#include "ipitrace.h"
#include "isolset.h"
#include "path.h"
#include "selfpin.h"
#include "verbs.h"

#define TRACE_WARNING                                                                  \
	"arming tracepoints flips static keys, which interrupts every CPU (the " \
	"isolated ones too) when tracing starts and once more when it stops"

struct trace_args {
	struct cpuset cpus;
	bool have_cpus;
	double duration;
	bool json;
	bool receiver; /* force the older kernels' receiving-side path */
};

static void trace_usage(FILE *out)
{
	fputs("Usage:\n"
	      " tlbisoctl trace [options]\n"
	      "\n"
	      "Name the senders of the IPIs that reach the isolated CPUs: target CPU,\n"
	      "sending process and unit, callsite, callback, class and remedy.\n"
	      "Uses a private tracefs instance (tlbiso-PID), removed on exit.\n"
	      "\n"
	      "Note: " TRACE_WARNING ".\n"
	      "That is the price of asking.\n"
	      "\n"
	      "Options:\n"
	      " -c, --cpus LIST      CPUs to attribute IPIs to (default: the isolated CPUs,\n"
	      "                      from nohz_full= or isolcpus=)\n"
	      " -d, --duration SEC   how long to trace (default 10; Ctrl-C stops early)\n"
	      " -j, --json           print JSON (schema tlbiso.trace/1)\n"
	      "     --receiver-side  use the older kernels' path (irq_vectors on the\n"
	      "                      target CPUs) even where ipi:* events work\n"
	      " -h, --help           display this help\n"
	      "\n"
	      "Tracing reads the live kernel only: there is no --sysroot.\n"
	      "\n"
	      "Exit status:\n"
	      " 0  traced and reported\n"
	      " 1  tracing failed while running\n"
	      " 2  usage error\n"
	      " 3  could not trace (tracefs missing, not root, no IPI tracepoints)\n",
	      out);
}

/* Options into args; a usage error returns TL_EXIT_USAGE, help returns -1 after printing. */
static int trace_parse(struct verb_ctx *ctx, int argc, char **argv, struct trace_args *a)
{
	static const struct option opts[] = {
		{"cpus", required_argument, NULL, 'c'}, {"duration", required_argument, NULL, 'd'},
		{"json", no_argument, NULL, 'j'},	{"receiver-side", no_argument, NULL, 'R'},
		{"help", no_argument, NULL, 'h'},	{NULL, 0, NULL, 0},
	};
	struct tl_err e;
	char *end;
	int c;

	a->duration = 10;
	while ((c = getopt_long(argc, argv, "c:d:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (cpulist_parse(optarg, &a->cpus, &e) < 0 || cpuset_empty(&a->cpus))
				return verb_usage_error(ctx, "trace", "bad --cpus '%s'", optarg);
			a->have_cpus = true;
			break;
		case 'd':
			a->duration = strtod(optarg, &end);
			if (*end || end == optarg || !(a->duration > 0 && a->duration <= 86400))
				return verb_usage_error(ctx, "trace", "bad --duration '%s'",
							optarg);
			break;
		case 'j':
			a->json = true;
			break;
		case 'R':
			a->receiver = true;
			break;
		case 'h':
			trace_usage(stdout);
			return -1;
		default:
			return verb_usage_error(ctx, "trace", "unknown option");
		}
	}
	if (optind < argc)
		return verb_usage_error(ctx, "trace", "unexpected argument '%s'", argv[optind]);
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * At the end, read what is left: each call is bounded, so repeat until nothing
 * comes, but for half a second at most, since new events keep arriving.
 */
static int trace_drain(struct ipitrace *t, struct tl_err *e)
{
	double stop = now_s() + 0.5;
	int r;

	do {
		r = ipitrace_on_readable(t, -1, e);
	} while (r > 0 && now_s() < stop);
	return r < 0 ? r : 0;
}

/* Poll the buffers until the duration ends or a signal arrives; drain on every wake-up. */
static int trace_loop(struct ipitrace *t, int sfd, double duration, struct tl_err *e)
{
	struct pollfd pfd[TL_MAX_CPUS + 1];
	int fds[TL_MAX_CPUS], n = ipitrace_fds(t, fds, TL_MAX_CPUS);
	double end = now_s() + duration;

	pfd[0] = (struct pollfd){.fd = sfd, .events = POLLIN};
	for (int i = 0; i < n; i++)
		pfd[i + 1] = (struct pollfd){.fd = fds[i], .events = POLLIN};
	for (;;) {
		double left = end - now_s();
		/* Wake at least every 100 ms: senders are named while they still exist. */
		int ms = left <= 0 ? 0 : left > 0.1 ? 100 : (int)(left * 1000) + 1;

		if (poll(pfd, (nfds_t)n + 1, ms) < 0 && errno != EINTR)
			return tl_err_sys(e, errno, "poll");
		if (ipitrace_on_readable(t, -1, e) < 0)
			return -1;
		if ((pfd[0].revents & POLLIN) || left <= 0)
			return trace_drain(t, e);
	}
}

/* Without --cpus, the node's isolated set, resolved as check and the daemon do. */
static int trace_default_cpus(struct verb_ctx *ctx, struct trace_args *a, const struct tl_path *p)
{
	enum isol_origin origin;
	struct tl_err e;

	if (a->have_cpus)
		return 0;
	if (isolset_default(p, &a->cpus, NULL, &origin, &e) < 0) {
		tl_log(&ctx->log, LOG_ERR, "%s", e.msg);
		return TL_EXIT_CANNOT_RUN;
	}
	if (cpuset_empty(&a->cpus))
		return verb_usage_error(ctx, "trace", "no isolated CPUs on this node: give --cpus");
	return 0;
}

/* Signals come through a descriptor so that Ctrl-C ends the loop and the instance is removed. */
static int trace_signalfd(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, old);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/*
 * The signal that ended the loop is still pending: consume it, or
 * restoring the mask delivers it and kills us before stdout is flushed.
 */
static void trace_signals_drain(int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		;
}

static int trace_report(struct ipitrace *t, const struct trace_args *a, double took)
{
	char list[1024];
	struct ipireport_meta m = {.duration_s = took};
	struct json_object *doc;

	cpulist_format(&a->cpus, list, sizeof(list));
	m.cpus = list;
	m.kernel_path = ipitrace_path_name(ipitrace_kernel_path(t));
	m.lost = ipitrace_lost(t);
	m.symbols_hidden = ipitrace_symbols_hidden(t);
	if (!a->json)
		return ipireport_table(stdout, ipitrace_agg(t), &m) < 0 ? TL_EXIT_FAIL : TL_EXIT_OK;
	doc = ipireport_json(ipitrace_agg(t), &m);
	if (!doc)
		return TL_EXIT_FAIL;
	puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY));
	json_object_put(doc);
	return TL_EXIT_OK;
}

/* Open, trace and report; the instance is removed on every way out. */
static int trace_run(struct verb_ctx *ctx, const struct trace_args *a, const struct tl_path *p)
{
	struct ipitrace_opts o = {.targets = a->cpus, .force_receiver = a->receiver};
	struct ipitrace *t;
	struct tl_err e = {0};
	sigset_t old;
	double t0;
	int sfd, rc, r;

	/* Reading the buffers from a housekeeping CPU disturbs nobody. */
	selfpin_away(p, &a->cpus, &e);
	r = ipitrace_clean_stale(&e);
	if (r > 0)
		tl_log(&ctx->log, LOG_INFO, "removed %d stale tracefs instance(s)", r);
	sfd = trace_signalfd(&old);
	tl_log(&ctx->log, LOG_WARNING, "%s", TRACE_WARNING);
	if (ipitrace_open(&t, p, &o, &e) < 0) {
		tl_log(&ctx->log, LOG_ERR, "%s", e.msg);
		close(sfd);
		return TL_EXIT_CANNOT_RUN;
	}
	if (ipitrace_symbols_hidden(t))
		tl_log(&ctx->log, LOG_WARNING, "%s", KALLSYMS_HIDDEN_HINT);
	t0 = now_s();
	r = trace_loop(t, sfd, a->duration, &e);
	if (r < 0)
		tl_log(&ctx->log, LOG_ERR, "%s", e.msg);
	rc = r < 0 ? TL_EXIT_FAIL : trace_report(t, a, now_s() - t0);
	ipitrace_close(t);
	trace_signals_drain(sfd);
	close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int verb_trace(struct verb_ctx *ctx, int argc, char **argv)
{
	struct trace_args a = {0};
	struct tl_path p;
	struct tl_err e;
	int r;

	r = trace_parse(ctx, argc, argv, &a);
	if (r != 0)
		return r < 0 ? TL_EXIT_OK : r;
	if (tl_path_init(&p, NULL, &e) < 0) {
		tl_log(&ctx->log, LOG_ERR, "%s", e.msg);
		return TL_EXIT_CANNOT_RUN;
	}
	r = trace_default_cpus(ctx, &a, &p);
	if (r == 0)
		r = trace_run(ctx, &a, &p);
	tl_path_fini(&p);
	return r;
}
