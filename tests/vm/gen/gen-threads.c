// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gen-threads - a workload whose threads appear after it started.
 *
 * Why: tlbisod must place a matched process's threads as they are created,
 * not only those present when the rule first applied. The process waits
 * until GOFILE exists, then starts N threads that sleep, and prints each
 * thread id on its own line. It exits after SECONDS.
 *
 * Usage: gen-threads GOFILE N SECONDS
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* A thread that only sleeps: whatever CPU it is on, the daemon put it there. */
static void *sleeper(void *arg)
{
	printf("%ld\n", (long)syscall(SYS_gettid));
	fflush(stdout);
	for (;;)
		pause();
	return arg;
}

int main(int argc, char **argv)
{
	time_t end;
	pthread_t t;
	int n;

	if (argc != 4) {
		fprintf(stderr, "usage: gen-threads GOFILE N SECONDS\n");
		return 2;
	}
	n = atoi(argv[2]);
	end = time(NULL) + atoi(argv[3]);
	while (access(argv[1], F_OK) != 0 && time(NULL) < end)
		usleep(20000);
	for (int i = 0; i < n; i++)
		if (pthread_create(&t, NULL, sleeper, NULL))
			return 1;
	while (time(NULL) < end)
		sleep(1);
	return 0;
}
