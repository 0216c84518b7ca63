// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IPI generator for the attribution tests: one thread spins on a target CPU,
 * the main thread, pinned to another CPU, calls
 * membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) a fixed number of times. Each
 * call sends one call-function IPI (callback ipi_mb) to the spinning CPU.
 *
 * membarrier only IPIs CPUs whose current task shares the mm, so on a busy
 * machine the spinner is made SCHED_FIFO 50 (when permitted: above the
 * priority-1 spinners other tests may run) for the short time the calls
 * take: every call then finds it running and sends an IPI.
 *
 * Usage: gen-membarrier [-n CALLS] [-t TARGET_CPU] [-s SENDER_CPU] [-l LINGER_S]
 * Prints "pid=P comm=C calls=N rt=0|1 ms=T" when the calls are done (the spinner
 * stops then), stays alive LINGER_S seconds so that a tracer can still name
 * it, then exits.
 */
#define _GNU_SOURCE
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct gen {
	int target_cpu;
	atomic_int running;
	atomic_int stop;
	int rt;
};

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* The spinner: it must be running on the target for membarrier to IPI that CPU. */
static void *spin(void *arg)
{
	struct gen *g = arg;

	struct sched_param sp = {.sched_priority = 50};

	if (pin(g->target_cpu) < 0) {
		perror("gen-membarrier: pin spinner");
		exit(3);
	}
	g->rt = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) == 0;
	atomic_store(&g->running, 1);
	while (!atomic_load_explicit(&g->stop, memory_order_relaxed))
		;
	return NULL;
}

static int membarrier(int cmd)
{
	return (int)syscall(__NR_membarrier, cmd, 0, 0);
}

int main(int argc, char **argv)
{
	struct gen g = {.target_cpu = 1};
	int calls = 1000, sender = 0, linger = 0, c;
	char comm[17] = "";
	struct timespec t0, t1;
	pthread_t th;

	while ((c = getopt(argc, argv, "n:t:s:l:")) != -1) {
		switch (c) {
		case 'n':
			calls = atoi(optarg);
			break;
		case 't':
			g.target_cpu = atoi(optarg);
			break;
		case 's':
			sender = atoi(optarg);
			break;
		case 'l':
			linger = atoi(optarg);
			break;
		default:
			fprintf(stderr,
				"usage: gen-membarrier [-n CALLS] [-t CPU] [-s CPU] [-l S]\n");
			return 2;
		}
	}
	if (pin(sender) < 0 || membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) < 0) {
		perror("gen-membarrier: setup");
		return 3;
	}
	/* The caller too: on a loaded machine the calls then finish well inside the window. */
	sched_setscheduler(0, SCHED_FIFO, &(struct sched_param){.sched_priority = 50});
	pthread_create(&th, NULL, spin, &g);
	while (!atomic_load(&g.running))
		sched_yield();
	usleep(10000); /* let the spinner settle on its CPU */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < calls; i++)
		if (membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) < 0) {
			perror("gen-membarrier: membarrier");
			return 1;
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	atomic_store(&g.stop, 1);
	pthread_join(th, NULL);
	prctl(PR_GET_NAME, comm);
	printf("pid=%d comm=%s calls=%d rt=%d ms=%ld\n", (int)getpid(), comm, calls, g.rt,
	       (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
	fflush(stdout);
	sleep((unsigned)linger);
	return 0;
}
