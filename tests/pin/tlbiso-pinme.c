// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A workload for the live engine test; its comm is its file name. It waits
 * until the file argv[1] exists, then starts argv[2] threads that sleep, and
 * prints their thread ids, so the test sees threads created after the
 * daemon pinned the process.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A thread that only sleeps: it must be moved by the engine, not by itself. */
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
	pthread_t t;
	int n;

	if (argc != 3)
		return 2;
	n = atoi(argv[2]);
	while (access(argv[1], F_OK) != 0)
		usleep(20000);
	for (int i = 0; i < n; i++)
		if (pthread_create(&t, NULL, sleeper, NULL))
			return 1;
	for (;;)
		pause();
}
