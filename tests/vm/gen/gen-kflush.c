// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gen-kflush - kernel-range TLB flushes through vmalloc churn.
 *
 * Why: when the kernel frees vmalloc space it later purges the lazily
 * unmapped areas with flush_tlb_kernel_range(), an IPI to every online
 * CPU, isolated or not.  On x86 these IPIs count in CAL only, never in
 * TLB, and they are exactly the class that the proposed COALESCE_TLBI
 * deferral (and AMD INVLPGB) removes.  A large BPF array map is a cheap
 * way to get vmalloc space from user space: creating and closing
 * 4096 x 4 KiB maps on CPU 0 in a loop purges about every few maps.
 * Needs root (or CAP_BPF) and CONFIG_BPF_SYSCALL.
 *
 * Usage: gen-kflush SECONDS
 * Prints the number of maps created and closed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/bpf.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define HOUSEKEEPING_CPU 0
#define MAP_ENTRIES 4096
#define MAP_VALUE_SIZE 4096	/* 16 MiB per map: always vmalloc'ed */

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

/* Bind the calling thread to one CPU, away from the isolated ones. */
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

/* Raw bpf(2): glibc has no wrapper and we want no libbpf dependency. */
static int map_create(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = sizeof(__u32);
	attr.value_size = MAP_VALUE_SIZE;
	attr.max_entries = MAP_ENTRIES;
	return syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
}

int main(int argc, char **argv)
{
	unsigned long iterations = 0;
	double end;
	long secs;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s SECONDS\n", argv[0]);
		return 2;
	}
	secs = parse_num(argv[1], 86400);
	if (secs < 0) {
		fprintf(stderr, "%s: bad SECONDS\n", argv[0]);
		return 2;
	}
	if (pin(HOUSEKEEPING_CPU)) {
		perror("sched_setaffinity");
		return 1;
	}
	end = now() + secs;
	while (now() < end) {
		fd = map_create();
		if (fd < 0) {
			perror("bpf(BPF_MAP_CREATE)");
			return 1;
		}
		close(fd);
		iterations++;
	}
	printf("%lu\n", iterations);
	return 0;
}
