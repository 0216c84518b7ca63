// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What IPI attribution costs its consumer: CPU time per second of a
 * daemon-like loop (poll the ipitrace descriptors, read on wake-up and every
 * 100 ms) while a generator on the housekeeping CPU sends membarrier IPIs to
 * a thread spinning on a target CPU at 0, about 1000, and as many per second
 * as it can. Prints the membarrier calls per second, the IPIs attributed per
 * second (all senders: the kernel sends no IPI for a call that finds the
 * spinner off its CPU, and others' IPIs count too), the lost count, and the
 * consumer's CPU use (CPU time per wall second, in %, and per IPI). Needs
 * root and tracefs; says so otherwise.
 *
 * Usage: bench-ipitrace [-t TARGET_CPU] [-s SENDER_CPU] [-d SECONDS]
 */
#include "config.h"

#include <errno.h>
#include <linux/membarrier.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ipitrace.h"

struct shared {
	atomic_ulong calls;
	atomic_int stop;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void *spin(void *arg)
{
	struct shared *sh = arg;
	struct sched_param sp = {.sched_priority = 50};

	pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
	while (!atomic_load_explicit(&sh->stop, memory_order_relaxed))
		;
	return NULL;
}

/* The generator process: rate 0 spins only, rate < 0 calls as fast as it can. */
static void generate(struct shared *sh, int target, int sender, long rate)
{
	pthread_t th;
	double start, next;

	pin(target);
	pthread_create(&th, NULL, spin, sh);
	pin(sender);
	syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0);
	start = next = now_s();
	while (!atomic_load(&sh->stop)) {
		if (rate == 0) {
			usleep(10000);
			continue;
		}
		syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
		atomic_fetch_add(&sh->calls, 1);
		/* Pace in 1 ms steps: the k-th call is due at start + k / rate. */
		if (rate > 0 && atomic_load(&sh->calls) % (unsigned long)(rate / 1000 + 1) == 0) {
			next = start + (double)atomic_load(&sh->calls) / (double)rate;
			while (now_s() < next && !atomic_load(&sh->stop))
				usleep(200);
		}
	}
	pthread_join(th, NULL);
	_exit(0);
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* The consumer, shaped like the daemon's loop. */
static int consume(struct ipitrace *t, double seconds)
{
	struct pollfd pfd[TL_MAX_CPUS];
	int fds[TL_MAX_CPUS], n = ipitrace_fds(t, fds, TL_MAX_CPUS);
	double end = now_s() + seconds;
	struct tl_err e;

	for (int i = 0; i < n; i++)
		pfd[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
	while (now_s() < end) {
		poll(pfd, (nfds_t)n, 100);
		if (ipitrace_on_readable(t, -1, &e) < 0) {
			fprintf(stderr, "bench-ipitrace: %s\n", e.msg);
			return -1;
		}
	}
	return 0;
}

static const char *run_name(long rate)
{
	return rate < 0 ? "max" : rate == 0 ? "0" : "~1k";
}

/* One run at one rate; prints one line. */
static int run(struct ipitrace *t, int target, int sender, long rate, double seconds)
{
	struct shared *sh =
		mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint64_t total0 = ipitrace_agg(t)->total, lost0 = ipitrace_lost(t);
	double c0, w0, c1, w1;
	unsigned long calls;
	uint64_t attributed;
	pid_t pid;

	memset(sh, 0, sizeof(*sh));
	pid = fork();
	if (pid == 0)
		generate(sh, target, sender, rate);
	usleep(100000);
	calls = atomic_load(&sh->calls);
	c0 = cpu_s();
	w0 = now_s();
	if (consume(t, seconds) < 0)
		return -1;
	c1 = cpu_s();
	w1 = now_s();
	calls = atomic_load(&sh->calls) - calls;
	atomic_store(&sh->stop, 1);
	waitpid(pid, NULL, 0);
	consume(t, 0.3);
	attributed = ipitrace_agg(t)->total - total0;
	printf("%-6s %14.0f %14.0f %10llu %14.2f %10.1f\n", run_name(rate),
	       (double)calls / (w1 - w0), (double)attributed / (w1 - w0),
	       (unsigned long long)(ipitrace_lost(t) - lost0), 100.0 * (c1 - c0) / (w1 - w0),
	       1e6 * (c1 - c0) / ((double)attributed + 1));
	munmap(sh, sizeof(*sh));
	return 0;
}

int main(int argc, char **argv)
{
	struct ipitrace_opts o = {0};
	int target = 1, sender = 0, c;
	double seconds = 3;
	struct ipitrace *t;
	struct tl_path p;
	struct tl_err e;

	while ((c = getopt(argc, argv, "t:s:d:")) != -1) {
		if (c == 't')
			target = atoi(optarg);
		else if (c == 's')
			sender = atoi(optarg);
		else if (c == 'd')
			seconds = atof(optarg);
		else
			return 2;
	}
	if (geteuid() != 0) {
		printf("bench-ipitrace: skipped (needs root for tracefs)\n");
		return 0;
	}
	cpuset_zero(&o.targets);
	cpuset_set(&o.targets, target);
	pin(sender); /* the consumer shares the housekeeping CPU with the generator */
	if (tl_path_init(&p, NULL, &e) < 0 || ipitrace_open(&t, &p, &o, &e) < 0) {
		printf("bench-ipitrace: skipped (%s)\n", e.msg);
		return 0;
	}
	printf("bench-ipitrace: %s path, target CPU %d, sender and consumer on CPU %d, %.0f s "
	       "per rate\n",
	       ipitrace_path_name(ipitrace_kernel_path(t)), target, sender, seconds);
	printf("%-6s %14s %14s %10s %14s %10s\n", "rate", "membarrier/s", "attributed/s", "lost",
	       "consumer CPU%", "us/IPI");
	run(t, target, sender, 0, seconds);
	run(t, target, sender, 1000, seconds);
	run(t, target, sender, -1, seconds);
	ipitrace_close(t);
	tl_path_fini(&p);
	return 0;
}
