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

#include "ctlproto.h"
#include "daemon.h"

/* This process's CPU time, in seconds. */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A "VmRSS:"-style line of /proc/PID/status, in KiB. */
static long proc_kib(pid_t pid, const char *key)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			sscanf(line + strlen(key), "%ld", &v);
	fclose(f);
	return v;
}

/* utime + stime of a process, in seconds (clock-tick resolution). */
static double proc_cpu_ticks(pid_t pid)
{
	char path[64], buf[2048], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	p = strrchr(buf, ')');
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Time on CPU of a single-threaded process, to the ns (schedstat), or -1. */
static double proc_schedstat(pid_t pid)
{
	unsigned long long ns;
	char path[64];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fscanf(f, "%llu", &ns);
	fclose(f);
	return n == 1 ? (double)ns / 1e9 : -1;
}

/* Its CPU time: schedstat when the kernel has it, else utime + stime. */
static double proc_cpu(pid_t pid)
{
	double s = proc_schedstat(pid);

	return s >= 0 ? s : proc_cpu_ticks(pid);
}

/* Pss of /proc/PID/smaps_rollup in KiB: shared library pages divided among their users. */
static long proc_pss(pid_t pid)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "Pss:", 4))
			sscanf(line + 4, "%ld", &v);
	fclose(f);
	return v;
}

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
	double t0 = cpu_now();

	for (long i = 0; i < n; i++)
		if (tlbisod_sample(d, mono_ns(), time(NULL), ev, ALERT_SLOTS, e) < 0)
			return -1;
	return cpu_now() - t0;
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
	printf("  this process: VmRSS %ld KiB, VmHWM %ld KiB\n", proc_kib(getpid(), "VmRSS:"),
	       proc_kib(getpid(), "VmHWM:"));
	tlbisod_free(&d);
	return 0;
}

/* The daemon's sample count, over its socket. */
static long daemon_samples(const char *rundir)
{
	json_object *reply = NULL, *st, *n;
	struct tl_err e = {0};
	long v = -1;

	if (ctl_call(rundir, CTL_CMD_STATUS, 2000, &reply, &e) < 0)
		return -1;
	if (json_object_object_get_ex(reply, "status", &st) &&
	    json_object_object_get_ex(st, "samples", &n))
		v = json_object_get_int64(n);
	json_object_put(reply);
	return v;
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
	for (int i = 0; i < 100 && daemon_samples(rundir) < 20; i++)
		usleep(100000);
	s1 = daemon_samples(rundir);
	c1 = proc_cpu(pid);
	sleep(5);
	c2 = proc_cpu(pid); /* before asking: a status of 1024 CPUs is not a sample's cost */
	s2 = daemon_samples(rundir);
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
	       proc_kib(pid, "VmRSS:"), proc_kib(pid, "RssAnon:"), proc_kib(pid, "RssFile:"),
	       proc_kib(pid, "VmHWM:"), proc_pss(pid));
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
