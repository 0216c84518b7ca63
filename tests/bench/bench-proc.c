// SPDX-License-Identifier: GPL-2.0-or-later
/* A process measured from outside for "make bench": see bench-proc.h. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench-proc.h"
#include "ctlproto.h"

/* Process CPU time: the cost of in-process work, which wall time overstates on a loaded machine. */
double bench_cpu_self(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The sampler's clock, so that in-process samples see the intervals the daemon would. */
uint64_t bench_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* schedstat gives run time to the ns: a sample costs far less than a clock tick. */
double bench_proc_schedstat(pid_t pid)
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

/* utime + stime of /proc/PID/stat: the fallback of kernels without schedstats. */
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
	/* comm may hold spaces and parentheses: the fields start after the last ')' */
	p = strrchr(buf, ')');
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* The finest CPU time this kernel gives for another process. */
double bench_proc_cpu(pid_t pid)
{
	double s = bench_proc_schedstat(pid);

	return s >= 0 ? s : proc_cpu_ticks(pid);
}

/* status and smaps_rollup share the "Key:   value kB" layout: one reader for both. */
long bench_proc_kib(pid_t pid, const char *file, const char *key)
{
	char path[96], line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen))
			sscanf(line + klen, "%ld", &v);
	fclose(f);
	return v;
}

/* Samples are counted by the daemon itself: ask it, as tlbisoctl status does. */
long bench_daemon_samples(const char *rundir)
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
