// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gen-membarrier - targeted call-function IPIs at a paced rate.
 *
 * Why: membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) interrupts every
 * CPU that currently runs a thread of the calling process, with a
 * smp_call_function IPI.  With one thread spinning on an isolated CPU
 * and the caller on CPU 0, each call costs that CPU one CAL interrupt
 * and nothing in TLB: a clean "other IPI" signature.  The rate is paced
 * with absolute sleeps so tests can relate counts to calls per second.
 *
 * Usage: gen-membarrier [-r CALLS_PER_SECOND] CPU SECONDS
 * -r 0 means as fast as possible; the default is 200.
 * Prints the number of membarrier() calls done.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define HOUSEKEEPING_CPU 0
#define DEFAULT_RATE 200

static atomic_int spinner_state;	/* 0 starting, 1 on its CPU, -1 failed */
static atomic_int stop;

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

/* Bind the calling thread to one CPU; returns an errno value. */
static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static int membarrier(int cmd)
{
	return syscall(__NR_membarrier, cmd, 0, 0);
}

/* Advance an absolute deadline by ns nanoseconds. */
static void ts_add(struct timespec *ts, long ns)
{
	ts->tv_nsec += ns;
	while (ts->tv_nsec >= 1000000000L) {
		ts->tv_nsec -= 1000000000L;
		ts->tv_sec++;
	}
}

static int ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* The thread whose CPU membarrier has to interrupt. */
static void *spinner(void *arg)
{
	if (pin((int)(long)arg)) {
		atomic_store(&spinner_state, -1);
		return NULL;
	}
	atomic_store(&spinner_state, 1);
	while (!atomic_load_explicit(&stop, memory_order_relaxed))
		;
	return NULL;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-r CALLS_PER_SECOND] CPU SECONDS\n", prog);
}

int main(int argc, char **argv)
{
	struct timespec next, end;
	unsigned long calls = 0;
	long cpu, secs, rate = DEFAULT_RATE;
	pthread_t thr;
	int opt, err;

	while ((opt = getopt(argc, argv, "r:")) != -1) {
		rate = opt == 'r' ? parse_num(optarg, 1000000) : -1;
		if (rate < 0) {
			usage(argv[0]);
			return 2;
		}
	}
	if (argc - optind != 2) {
		usage(argv[0]);
		return 2;
	}
	cpu = parse_num(argv[optind], CPU_SETSIZE - 1);
	secs = parse_num(argv[optind + 1], 86400);
	if (cpu < 0 || secs < 0) {
		fprintf(stderr, "%s: bad CPU or SECONDS\n", argv[0]);
		return 2;
	}
	if (membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED)) {
		perror("membarrier(REGISTER_PRIVATE_EXPEDITED)");
		return 1;
	}
	err = pin(HOUSEKEEPING_CPU);
	if (!err)
		err = pthread_create(&thr, NULL, spinner, (void *)cpu);
	if (err) {
		fprintf(stderr, "%s: %s\n", argv[0], strerror(err));
		return 1;
	}
	while (atomic_load(&spinner_state) == 0)
		sched_yield();
	if (atomic_load(&spinner_state) < 0) {
		fprintf(stderr, "%s: cannot pin to CPU %ld\n", argv[0], cpu);
		return 1;
	}

	clock_gettime(CLOCK_MONOTONIC, &next);
	end = next;
	end.tv_sec += secs;
	while (ts_before(&next, &end)) {
		if (membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)) {
			perror("membarrier(PRIVATE_EXPEDITED)");
			break;
		}
		calls++;
		if (rate) {
			ts_add(&next, 1000000000L / rate);
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
					NULL);
		} else {
			clock_gettime(CLOCK_MONOTONIC, &next);
		}
	}
	atomic_store(&stop, 1);
	pthread_join(thr, NULL);
	printf("%lu\n", calls);
	return 0;
}
