/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What "make bench" measures of a process from outside, through /proc (CPU
 * time, resident memory), and of tlbisod over its control socket (samples
 * taken), shared by the bench programs that start the real daemon.
 */
#ifndef TLBISO_BENCH_PROC_H
#define TLBISO_BENCH_PROC_H

#include <stdint.h>
#include <sys/types.h>

/* This process's CPU time, in seconds. */
double bench_cpu_self(void);
/* CLOCK_MONOTONIC in nanoseconds, the clock the daemon's sampler takes. */
uint64_t bench_mono_ns(void);
/* Time on CPU of a single-threaded process to the ns (/proc/PID/schedstat), or -1. */
double bench_proc_schedstat(pid_t pid);
/* Its CPU time in seconds: schedstat when the kernel has it, else utime + stime. */
double bench_proc_cpu(pid_t pid);
/* The value in KiB of a "KEY:" line of /proc/PID/FILE ("status" for VmRSS:,
 * "smaps_rollup" for Pss:), or -1. */
long bench_proc_kib(pid_t pid, const char *file, const char *key);
/* The sample count of the daemon whose runtime directory is RUNDIR, or -1. */
long bench_daemon_samples(const char *rundir);

#endif
