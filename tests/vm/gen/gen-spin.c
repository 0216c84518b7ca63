// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gen-spin - keep one CPU busy in user space, and do nothing else.
 *
 * Why: a lone user-space task on a nohz_full CPU should receive no
 * interrupts at all (no tick, no IPIs).  This is the quiet load against
 * which the other generators, and the daemon's own noise, are measured.
 * It reads the clock only every few million loops so that it stays in
 * user space almost all the time.
 *
 * Usage: gen-spin CPU SECONDS
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHECK_EVERY (1UL << 22)

/* Parse a non-negative decimal no larger than max; -1 on junk. */
static long parse_num(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > max)
		return -1;
	return v;
}

/* Bind the calling thread to one CPU, so the measurement is about it. */
static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	volatile unsigned long loops = 0;
	double end;
	long cpu, secs;

	if (argc != 3) {
		fprintf(stderr, "usage: %s CPU SECONDS\n", argv[0]);
		return 2;
	}
	cpu = parse_num(argv[1], CPU_SETSIZE - 1);
	secs = parse_num(argv[2], 86400);
	if (cpu < 0 || secs < 0) {
		fprintf(stderr, "%s: bad CPU or SECONDS\n", argv[0]);
		return 2;
	}
	if (pin(cpu)) {
		perror("sched_setaffinity");
		return 1;
	}
	end = now() + secs;
	for (;;) {
		if (++loops % CHECK_EVERY == 0 && now() >= end)
			break;
	}
	return 0;
}
