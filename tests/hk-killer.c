// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test driver for the SIGKILL loop (tests/hk-sigkill.sh): runs the real
 * hk_start / hk_stop / rj_restore on a sysroot, and can die by SIGKILL
 * just before or just after its N-th write, or slow every write down so
 * that a kill from outside lands anywhere, inside a journal append too.
 *
 *   hk-killer apply|replay|restore|run --sysroot DIR --runtime-dir DIR
 *             [--die-at N] [--delay-us US] [--isolate LIST --housekeeping LIST]
 *             [--interval-ms MS]
 *
 * "run" stands in for the daemon's loop in the VM scenarios until tlbisod
 * wires the hooks: hk_start, "ready" on stdout, hk_tick every interval, and
 * hk_stop on SIGTERM; every note goes to stderr as the daemon would log it.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "housekeeping.h"

struct killer {
	struct hk_io io;
	int die_at; /* 2k-1: die before write k; 2k: right after it */
	int delay_us;
	int n;
};

/*
 * A kernel attribute changes in one step on write; a plain file opened with
 * O_TRUNC is empty for a moment, and a kill in that moment would leave a
 * state no kernel file can have. So the sysroot's stand-ins are replaced
 * atomically (write a temporary file, rename it over).
 */
static int killer_store(const struct tl_path *p, const char *path, const char *val,
			struct tl_err *e)
{
	char real[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *f;

	tl_path_join(p, path, real, sizeof(real));
	if (access(real, W_OK) < 0)
		return tl_err_sys(e, errno, "cannot open %s for writing", path);
	snprintf(tmp, sizeof(tmp), "%s.new", real);
	f = fopen(tmp, "w");
	if (!f)
		return tl_err_sys(e, errno, "cannot write %s", path);
	fputs(val, f);
	if (fclose(f) != 0 || rename(tmp, real) < 0)
		return tl_err_sys(e, errno, "cannot write %s", path);
	return 0;
}

/* The write hook: maybe sleep, maybe die before or after the real write. */
static int killer_write(void *ctx, const struct tl_path *p, const char *path, const char *val,
			struct tl_err *e)
{
	struct killer *k = ctx;
	int r;

	k->n++;
	if (k->delay_us)
		usleep((useconds_t)k->delay_us);
	if (k->die_at == 2 * k->n - 1)
		raise(SIGKILL);
	r = p->live ? tl_path_write(p, path, val, e) : killer_store(p, path, val, e);
	if (k->die_at == 2 * k->n)
		raise(SIGKILL);
	return r;
}

/* Print a report as the daemon would log it. */
static void killer_print(const struct hk_report *r)
{
	for (int i = 0; i < r->n; i++)
		fprintf(stderr, "%s %s %s: %s\n", hk_note_kind_name(r->items[i].kind),
			r->items[i].knob, r->items[i].what, r->items[i].msg);
}

/* The daemon's part, minimally: tick until SIGTERM or SIGINT, then restore. */
static int killer_loop(struct hk_state *st, int interval_ms)
{
	struct timespec ts = {interval_ms / 1000, (interval_ms % 1000) * 1000000L};
	struct hk_report rep = {0};
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	printf("ready\n");
	fflush(stdout);
	while ((sig = sigtimedwait(&set, NULL, &ts)) < 0) {
		hk_report_reset(&rep);
		hk_tick(st, &rep);
		killer_print(&rep);
	}
	hk_report_reset(&rep);
	hk_stop(st, &rep);
	killer_print(&rep);
	hk_report_free(&rep);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"sysroot", required_argument, NULL, 's'},
		{"runtime-dir", required_argument, NULL, 'r'},
		{"die-at", required_argument, NULL, 'd'},
		{"delay-us", required_argument, NULL, 'u'},
		{"isolate", required_argument, NULL, 'i'},
		{"housekeeping", required_argument, NULL, 'k'},
		{"interval-ms", required_argument, NULL, 'I'},
		{NULL, 0, NULL, 0},
	};
	struct killer k = {.io = *hk_io_default()};
	const char *sysroot = NULL, *run = NULL, *iso = "2-3", *hk = "0-1", *mode;
	struct hk_state st = {0};
	struct hk_report rep = {0};
	struct hk_config conf;
	struct cpuset siso, shk;
	struct tl_err e = {0};
	struct tl_path p;
	int c, r, interval_ms = 1000;
	sigset_t block;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			sysroot = optarg;
			break;
		case 'r':
			run = optarg;
			break;
		case 'd':
			k.die_at = atoi(optarg);
			break;
		case 'u':
			k.delay_us = atoi(optarg);
			break;
		case 'i':
			iso = optarg;
			break;
		case 'k':
			hk = optarg;
			break;
		case 'I':
			interval_ms = atoi(optarg);
			break;
		default:
			return 2;
		}
	}
	if (optind != argc - 1 || !sysroot || !run)
		return fprintf(stderr, "usage: see the comment at the top of hk-killer.c\n"), 2;
	mode = argv[optind];
	k.io.ctx = &k;
	k.io.write = killer_write;
	if (tl_path_init(&p, sysroot, &e) < 0 || cpulist_parse(iso, &siso, &e) < 0 ||
	    cpulist_parse(hk, &shk, &e) < 0)
		return fprintf(stderr, "hk-killer: %s\n", e.msg), 2;
	hk_config_defaults(&conf);
	conf.apply = !strcmp(mode, "apply") || !strcmp(mode, "run");
	conf.kthreads = p.live; /* task affinity cannot be faked in a sysroot */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	if (!strcmp(mode, "run"))
		sigprocmask(SIG_BLOCK, &block, NULL);
	conf.timer_migration = conf.rt_runtime_us = true;
	st.io = &k.io;
	if (!strcmp(mode, "restore"))
		r = rj_restore(run, &p, &k.io, &rep, &e);
	else
		r = hk_start(&st, &conf, &p, &siso, &shk, run, &rep, &e);
	killer_print(&rep);
	if (r < 0)
		fprintf(stderr, "hk-killer: %s\n", e.msg);
	else if (!strcmp(mode, "run"))
		r = killer_loop(&st, interval_ms > 0 ? interval_ms : 1000);
	hk_report_free(&rep);
	tl_path_fini(&p);
	return r < 0 || rep.count[HK_NOTE_ERROR] ? 1 : 0;
}
