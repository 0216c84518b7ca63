// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * make bench: tlbisod's cost on this machine, the live system (not a
 * synthetic sysroot), with the last online CPU taken as isolated.
 *
 *  1. In process: N samples of the daemon's step (tlbisod_sample: read and
 *     parse /proc/interrupts, deltas, classify, window, alerts) back to back,
 *     timed in CPU time (wall time lies on a loaded machine), and the share
 *     of one CPU that this means at a 1 s interval.
 *  2. The real daemon (daemon/tlbisod) on the live system every 50 ms:
 *     its CPU time per sample and its resident memory.
 *
 * "bench-daemon-live N --quiet" only takes the N samples: that is what
 * callgrind-sample.sh counts instructions on (collecting inside
 * tlbisod_sample only). Targets: < 0.1 % of one CPU at 1 s, <= 4 MiB RSS.
 * Figures are printed, never asserted.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench-proc.h"
#include "daemon.h"

/* The daemon state for the live system, as tlbisod_start would leave it (no pinning). */
static int live_init(struct tlbisod *d, struct tl_logger *log, int last, struct tl_err *e)
{
	tl_log_init(log, "bench-daemon-live", false);
	conf_defaults(&d->conf);
	d->log = log;
	alert_engine_init(&d->alerts);
	cpuset_zero(&d->isolated);
	cpuset_set(&d->isolated, last);
	if (tl_path_init(&d->path, NULL, e) < 0)
		return -1;
	d->path_open = true;
	if (tl_path_read_cpulist(&d->path, "/sys/devices/system/cpu/nohz_full", &d->nohz, NULL) < 0)
		cpuset_zero(&d->nohz);
	if (monitor_init(&d->mon, &d->isolated, &d->nohz, d->conf.monitor.window,
			 d->conf.monitor.baseline_samples, e) < 0)
		return -1;
	d->mon_ready = true;
	return 0;
}

/* n samples back to back; returns CPU seconds, or -1. */
static double run_samples(struct tlbisod *d, long n, struct tl_err *e)
{
	struct alert_event ev[ALERT_SLOTS];
	double t0 = bench_cpu_self();

	for (long i = 0; i < n; i++)
		if (tlbisod_sample(d, bench_mono_ns(), time(NULL), ev, ALERT_SLOTS, e) < 0)
			return -1;
	return bench_cpu_self() - t0;
}

/* Part 1: the daemon's step in this process. */
static int bench_in_process(long n, bool quiet, int last)
{
	static struct tlbisod d;
	struct tl_logger log;
	struct tl_err e = {0};
	double cpu;

	if (live_init(&d, &log, last, &e) < 0 || run_samples(&d, 3, &e) < 0 ||
	    (cpu = run_samples(&d, n, &e)) < 0) {
		fprintf(stderr, "bench-daemon-live: %s\n", e.msg);
		tlbisod_free(&d);
		return 1;
	}
	if (quiet) {
		printf("%ld samples\n", n);
		tlbisod_free(&d);
		return 0;
	}
	printf("in process, live /proc/interrupts (%d CPUs, %d lines, %d rated rows), CPU %d "
	       "watched:\n",
	       d.mon.hdr.ncols, d.mon.line, d.mon.base.nrows, last);
	printf("  %.1f us CPU per sample (%ld samples back to back)\n", cpu * 1e6 / (double)n, n);
	printf("  => %.4f %% of one CPU at a 1 s interval (target < 0.1 %%)\n",
	       cpu / (double)n * 100.0);
	printf("  this process: VmRSS %ld KiB, VmHWM %ld KiB\n",
	       bench_proc_kib(getpid(), "status", "VmRSS:"),
	       bench_proc_kib(getpid(), "status", "VmHWM:"));
	tlbisod_free(&d);
	return 0;
}

/* Start daemon/tlbisod on the live system with its config in tmp; -1 when absent. */
static pid_t start_daemon(const char *tmp, int last, char *rundir, size_t sz)
{
	char conf[PATH_MAX], statedir[PATH_MAX], text[256];
	FILE *f;
	pid_t pid;

	snprintf(conf, sizeof(conf), "%s/tlbiso.conf", tmp);
	snprintf(rundir, sz, "%s/run", tmp);
	snprintf(statedir, sizeof(statedir), "%s/state", tmp);
	snprintf(text, sizeof(text), "isolated_cpus = \"%d\";\nmonitor = { interval_ms = 50; };\n",
		 last);
	f = fopen(conf, "w");
	if (!f || access("daemon/tlbisod", X_OK) < 0) {
		if (f)
			fclose(f);
		return -1;
	}
	fputs(text, f);
	fclose(f);
	pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stderr))
			_exit(126);
		execl("daemon/tlbisod", "tlbisod", "--config", conf, "--runtime-dir", rundir,
		      "--state-dir", statedir, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Part 2: the real daemon on the live system, measured from outside. */
static void bench_daemon(const char *tmp, int last)
{
	char rundir[PATH_MAX];
	pid_t pid = start_daemon(tmp, last, rundir, sizeof(rundir));
	double c1, c2, per;
	long s1, s2;

	if (pid < 0) {
		printf("real daemon: daemon/tlbisod not found here (run from the build "
		       "directory)\n");
		return;
	}
	for (int i = 0; i < 100 && bench_daemon_samples(rundir) < 20; i++)
		usleep(100000);
	s1 = bench_daemon_samples(rundir);
	c1 = bench_proc_cpu(pid);
	sleep(5);
	c2 = bench_proc_cpu(pid); /* before asking: a status of 1024 CPUs is not a sample's cost */
	s2 = bench_daemon_samples(rundir);
	printf("real daemon on the live system, interval 50 ms, CPU %d isolated:\n", last);
	if (s1 < 0 || s2 <= s1) {
		printf("  could not read its sample counter\n");
	} else {
		per = (c2 - c1) / (double)(s2 - s1);
		printf("  %.1f us CPU per sample over %ld samples (the whole loop: poll, "
		       "timers; not our status calls)\n",
		       per * 1e6, s2 - s1);
		printf("  => %.4f %% of one CPU at a 1 s interval (target < 0.1 %%)\n", per * 100);
	}
	printf("  VmRSS %ld KiB (anonymous %ld KiB, files %ld KiB), VmHWM %ld KiB, Pss %ld KiB "
	       "(target <= 4096)\n",
	       bench_proc_kib(pid, "status", "VmRSS:"), bench_proc_kib(pid, "status", "RssAnon:"),
	       bench_proc_kib(pid, "status", "RssFile:"), bench_proc_kib(pid, "status", "VmHWM:"),
	       bench_proc_kib(pid, "smaps_rollup", "Pss:"));
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
	bool quiet = argc > 2 && !strcmp(argv[2], "--quiet");
	int last = (int)sysconf(_SC_NPROCESSORS_ONLN) - 1;
	char tmp[] = "/tmp/tlbiso-bench-live-XXXXXX", cmd[64];
	int r;

	if (n < 1 || last < 1) {
		printf("bench-daemon-live: needs N >= 1 and two online CPUs\n");
		return 0;
	}
	r = bench_in_process(n, quiet, last);
	if (r || quiet)
		return r;
	if (!mkdtemp(tmp))
		return 1;
	bench_daemon(tmp, last);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "bench-daemon-live: could not remove %s\n", tmp);
	return 0;
}
