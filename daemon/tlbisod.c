// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tlbisod: watch the isolated CPUs and alert when TLB-flush deferral
 * regresses. This file only parses options and wires lib/ together.
 *
 * Exit status: 0 stopped cleanly (or --check-config found no problem),
 * 1 failed while running, 2 usage or configuration error, 3 could not start.
 */
#include "config.h"

#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon-loop.h"
#include "daemon.h"

enum { OPT_CHECK_CONFIG = 256, OPT_SYSROOT, OPT_RUNTIME_DIR, OPT_STATE_DIR };

/* --help text, with the exit statuses. */
static void usage(FILE *out)
{
	fprintf(out,
		"Usage:\n"
		" tlbisod [options]\n"
		"\n"
		"Watch the isolated CPUs' interrupts and alert when TLB shootdowns reach them.\n"
		"\n"
		"Options:\n"
		" -f, --foreground         run in the foreground (the only mode; for clarity)\n"
		" -c, --config FILE        configuration file (default %s)\n"
		"     --sysroot DIR        read /proc and /sys under DIR (tests, dumps)\n"
		"     --runtime-dir DIR    control socket directory (default %s)\n"
		"     --state-dir DIR      state directory (default %s)\n"
		"     --check-config       validate the configuration and exit\n"
		" -v, --verbose            log debug messages\n"
		" -h, --help               display this help\n"
		" -V, --version            display version\n"
		"\n"
		"Exit status: 0 clean stop or valid config, 1 failure while running,\n"
		"2 usage or configuration error, 3 could not start.\n",
		TL_CONF_DEFAULT_PATH, TLBISOD_RUNTIME_DIR, TLBISOD_STATE_DIR);
}

/* Copy an option argument into a fixed buffer, refusing what does not fit. */
static bool set_path(char *dst, size_t dstsz, const char *arg)
{
	if (strlen(arg) >= dstsz) {
		fprintf(stderr, "tlbisod: %s: path too long\n", arg);
		return false;
	}
	snprintf(dst, dstsz, "%s", arg);
	return true;
}

/* Parse the command line; returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, struct tlbisod_opts *o, bool *check_only)
{
	static const struct option longopts[] = {
		{"foreground", no_argument, NULL, 'f'},
		{"config", required_argument, NULL, 'c'},
		{"sysroot", required_argument, NULL, OPT_SYSROOT},
		{"runtime-dir", required_argument, NULL, OPT_RUNTIME_DIR},
		{"state-dir", required_argument, NULL, OPT_STATE_DIR},
		{"check-config", no_argument, NULL, OPT_CHECK_CONFIG},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int c;
	bool ok = true;

	while ((c = getopt_long(argc, argv, "fc:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			break;
		case 'c':
			ok &= set_path(o->config, sizeof(o->config), optarg);
			o->config_given = true;
			break;
		case OPT_SYSROOT:
			ok &= set_path(o->sysroot, sizeof(o->sysroot), optarg);
			break;
		case OPT_RUNTIME_DIR:
			ok &= set_path(o->runtime_dir, sizeof(o->runtime_dir), optarg);
			break;
		case OPT_STATE_DIR:
			ok &= set_path(o->state_dir, sizeof(o->state_dir), optarg);
			break;
		case OPT_CHECK_CONFIG:
			*check_only = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("tlbisod %s\n", PACKAGE_VERSION);
			return 0;
		default:
			fprintf(stderr, "Try 'tlbisod --help' for more information.\n");
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tlbisod: unexpected argument '%s'\n", argv[optind]);
		fprintf(stderr, "Try 'tlbisod --help' for more information.\n");
		return 2;
	}
	return ok ? -1 : 2;
}

/* Load the config; problems go to stderr as "file:line: message". */
static int load_config(struct tlbisod *d, bool check_only)
{
	struct tl_err e = {0};
	char msg[8192];

	if (tlbisod_load_config(&d->opt, &d->conf, msg, sizeof(msg), &e) < 0) {
		fputs(msg, stderr);
		return 2;
	}
	if (check_only)
		printf("%s: configuration valid\n",
		       d->conf.path[0] ? d->conf.path : "(no file, defaults)");
	return 0;
}

/*
 * The daemon runs for months: its transient big blocks (the start-up checks'
 * tables, a status reply for 1024 CPUs) must go back to the system. glibc
 * raises its mmap threshold after freeing such a block, after which they
 * come from the heap and stay resident; fixed thresholds prevent that.
 */
static void keep_heap_small(void)
{
	mallopt(M_MMAP_THRESHOLD, 64 * 1024);
	mallopt(M_TRIM_THRESHOLD, 128 * 1024);
}

int main(int argc, char **argv)
{
	static struct tlbisod d;
	const struct alert *lost;
	struct tl_logger log;
	struct tl_journal jr;
	struct tl_err e = {0};
	bool check_only = false;
	int r;

	keep_heap_small();
	tlbisod_opts_defaults(&d.opt);
	r = parse_args(argc, argv, &d.opt, &check_only);
	if (r >= 0)
		return r;
	r = load_config(&d, check_only);
	if (r || check_only) {
		conf_free(&d.conf);
		return r;
	}
	tl_log_init(&log, "tlbisod", d.opt.verbose);
	tl_journal_init(&jr, NULL);
	tl_log_use_journal(&log, &jr);
	if (tlbisod_start(&d, &log, &lost, &e) < 0) {
		tl_log(&log, LOG_ERR, "cannot start: %s", e.msg);
		tlbisod_free(&d);
		tl_journal_close(&jr);
		return 3;
	}
	r = tlbisod_run(&d, lost, &e);
	if (r < 0)
		tl_log(&log, LOG_ERR, "%s", e.msg);
	if (jr.dropped)
		tl_log(&log, LOG_WARNING, "%lu journal entries dropped: the journal was backed up",
		       jr.dropped);
	tlbisod_free(&d);
	tl_journal_close(&jr);
	return r < 0 ? (d.samples_ok ? 1 : 3) : 0;
}
