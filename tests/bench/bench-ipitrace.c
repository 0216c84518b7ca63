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
 * Then the real daemon (daemon/tlbisod, run from the build directory) with
 * monitor.attribution watching the target CPU, pinned like the generator to
 * the housekeeping CPU: its CPU time per wall second (schedstat) with
 * attribution off, then on at 0, about 1000 and as many IPIs per second as
 * the generator can send, the CAL rate the target really received, and the
 * lost figure its status reports.
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

#include "bench-proc.h"
#include "ctlproto.h"
#include "interrupts.h"
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

/* CAL received by cpu so far, from /proc/interrupts (0 when it cannot be read). */
static uint64_t cal_count(struct irq_table *tab, const struct tl_path *p, int cpu)
{
	const struct irq_row *r;
	struct tl_err e;
	uint32_t v = 0;

	if (irq_table_read(tab, p, &e) == 0 && (r = irq_table_find(tab, "CAL")))
		irq_row_count(tab, r, cpu, &v);
	return v;
}

/* The daemon's attribution state and lost count, over its socket; false when it does not answer. */
static bool daemon_attr(const char *rundir, char *state, size_t statesz, uint64_t *lost)
{
	json_object *reply = NULL, *st, *at, *v;
	struct tl_err e = {0};
	bool ok = false;

	if (ctl_call(rundir, CTL_CMD_STATUS, 2000, &reply, &e) < 0)
		return false;
	if (json_object_object_get_ex(reply, "status", &st) &&
	    json_object_object_get_ex(st, "attribution", &at)) {
		json_object_object_get_ex(at, "state", &v);
		snprintf(state, statesz, "%s", json_object_get_string(v) ?: "?");
		json_object_object_get_ex(at, "lost", &v);
		*lost = (uint64_t)json_object_get_int64(v);
		ok = true;
	}
	json_object_put(reply);
	return ok;
}

/* Start daemon/tlbisod watching target, housekeeping on sender; -1 when it is not here. */
static pid_t daemon_start(const char *tmp, int target, int sender, bool attribution)
{
	char conf[PATH_MAX], rundir[PATH_MAX], statedir[PATH_MAX];
	FILE *f;
	pid_t pid;

	snprintf(conf, sizeof(conf), "%s/tlbiso.conf", tmp);
	snprintf(rundir, sizeof(rundir), "%s/run", tmp);
	snprintf(statedir, sizeof(statedir), "%s/state", tmp);
	if (access("daemon/tlbisod", X_OK) < 0 || !(f = fopen(conf, "w")))
		return -1;
	fprintf(f,
		"isolated_cpus = \"%d\";\nhousekeeping_cpus = \"%d\";\n"
		"monitor = { attribution = %s; };\n",
		target, sender, attribution ? "true" : "false");
	fclose(f);
	pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stderr))
			_exit(126);
		execl("daemon/tlbisod", "tlbisod", "--foreground", "--config", conf,
		      "--runtime-dir", rundir, "--state-dir", statedir, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Wait until the daemon answers and its tracer settled; false when it never answers. */
static bool daemon_ready(const char *rundir, char *state, size_t statesz)
{
	uint64_t lost;

	for (int i = 0; i < 100; i++) {
		if (daemon_attr(rundir, state, statesz, &lost)) {
			sleep(1); /* arming's own IPIs and the first samples are behind us */
			return true;
		}
		usleep(100000);
	}
	return false;
}

/* One daemon run at one rate: its CPU per wall second, the CAL the target got, lost. */
static void daemon_run(pid_t dpid, const char *rundir, const char *label, int target, int sender,
		       long rate, double seconds)
{
	struct shared *sh =
		mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint64_t cal0, cal1, lost0 = 0, lost1 = 0;
	double c0, c1, w0, w1;
	struct irq_table tab;
	unsigned long calls;
	struct tl_path p;
	struct tl_err e;
	char state[32];
	pid_t gpid;

	irq_table_init(&tab);
	tl_path_init(&p, NULL, &e);
	memset(sh, 0, sizeof(*sh));
	daemon_attr(rundir, state, sizeof(state), &lost0);
	gpid = fork();
	if (gpid == 0)
		generate(sh, target, sender, rate);
	usleep(100000);
	calls = atomic_load(&sh->calls);
	cal0 = cal_count(&tab, &p, target);
	c0 = bench_proc_schedstat(dpid);
	w0 = now_s();
	usleep((useconds_t)(seconds * 1e6));
	c1 = bench_proc_schedstat(dpid);
	w1 = now_s();
	cal1 = cal_count(&tab, &p, target);
	calls = atomic_load(&sh->calls) - calls;
	atomic_store(&sh->stop, 1);
	waitpid(gpid, NULL, 0);
	sleep(2); /* the lost figure is refreshed every second or so */
	daemon_attr(rundir, state, sizeof(state), &lost1);
	printf("%-14s %-11s %14.0f %14.0f %10llu %12.3f\n", label, state, (double)calls / (w1 - w0),
	       (double)(uint32_t)(cal1 - cal0) / (w1 - w0), (unsigned long long)(lost1 - lost0),
	       100.0 * (c1 - c0) / (w1 - w0));
	irq_table_free(&tab);
	tl_path_fini(&p);
	munmap(sh, sizeof(*sh));
}

/* One daemon, attribution on or off, through the given rates. */
static void daemon_series(const char *tmp, int target, int sender, bool on, const long *rates,
			  int nrates, double seconds)
{
	char rundir[PATH_MAX], state[32], label[32];
	pid_t dpid = daemon_start(tmp, target, sender, on);

	snprintf(rundir, sizeof(rundir), "%s/run", tmp);
	if (dpid < 0 || !daemon_ready(rundir, state, sizeof(state))) {
		printf("real daemon: daemon/tlbisod not found or not answering (run from the "
		       "build directory)\n");
		if (dpid > 0) {
			kill(dpid, SIGKILL);
			waitpid(dpid, NULL, 0);
		}
		return;
	}
	for (int i = 0; i < nrates; i++) {
		snprintf(label, sizeof(label), "%s, %s", on ? "on" : "off", run_name(rates[i]));
		daemon_run(dpid, rundir, label, target, sender, rates[i], seconds);
	}
	kill(dpid, SIGTERM);
	waitpid(dpid, NULL, 0);
}

/* Part 2: the real daemon with attribution, measured from outside. */
static void bench_daemon(int target, int sender, double seconds)
{
	static const long off[] = {0}, on[] = {0, 1000, -1};
	char tmp[] = "/tmp/tlbiso-bench-attr-XXXXXX", cmd[64];

	if (!mkdtemp(tmp))
		return;
	printf("\nreal tlbisod, interval 1000 ms, CPU %d watched, daemon and generator on CPU "
	       "%d, %.0f s per rate\n",
	       target, sender, seconds);
	printf("%-14s %-11s %14s %14s %10s %12s\n", "attribution", "state", "membarrier/s",
	       "CAL/s target", "lost", "daemon CPU%");
	daemon_series(tmp, target, sender, false, off, 1, seconds);
	daemon_series(tmp, target, sender, true, on, 3, seconds);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "bench-ipitrace: could not remove %s\n", tmp);
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
	bench_daemon(target, sender, seconds);
	return 0;
}
