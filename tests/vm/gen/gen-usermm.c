// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gen-usermm - user-mm TLB shootdowns aimed at one isolated CPU.
 *
 * Why: when a multi-threaded process unmaps memory, the kernel must
 * flush the TLB of every CPU that runs a thread of that process.  On x86
 * that is an IPI handled by flush_tlb_func(), counted in both the TLB
 * and the CAL rows of /proc/interrupts.  Here one thread spins on the
 * isolated CPU while another thread, pinned to CPU 0, loops over
 * mmap/touch/munmap, so every munmap should cost the isolated CPU about
 * one interrupt.  No deferral scheme (COALESCE_TLBI) removes these.
 *
 * Usage: gen-usermm CPU SECONDS
 * Prints the number of munmap() calls done.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define HOUSEKEEPING_CPU 0
#define MAP_LEN (4 * 4096)

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

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Keep the process's mm live on the isolated CPU, in user space. */
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

/* One unmap of a touched mapping = one shootdown to the spinner's CPU. */
static int churn_once(void)
{
	char *p = mmap(NULL, MAP_LEN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	memset(p, 1, MAP_LEN);
	return munmap(p, MAP_LEN);
}

int main(int argc, char **argv)
{
	unsigned long munmaps = 0;
	pthread_t thr;
	long cpu, secs;
	double end;
	int err;

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

	end = now() + secs;
	while (now() < end) {
		if (churn_once()) {
			perror("mmap/munmap");
			break;
		}
		munmaps++;
	}
	atomic_store(&stop, 1);
	pthread_join(thr, NULL);
	printf("%lu\n", munmaps);
	return 0;
}
