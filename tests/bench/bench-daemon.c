// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * make bench: tlbisod's cost on a 1024-CPU machine (a synthetic sysroot with
 * about 300 rows in proc/interrupts, CPUs 4-1023 isolated).
 *
 *  1. In process: CPU time of one sample (read + parse + deltas + classify +
 *     window + alert rules) and of one textfile write, and the allocations
 *     the steady state makes. The file does not change between samples, so
 *     rows are skipped as unchanged; the worst case, every watched counter
 *     changing, is measured apart on two alternating texts.
 *  2. The real daemon (daemon/tlbisod from the build directory) sampling
 *     that sysroot every 50 ms: its CPU time per sample in steady state and
 *     its resident memory: VmRSS (every page mapped, shared libraries in
 *     full) and Pss (shared pages divided among the processes using them).
 *
 * Targets: <= 1 ms per sample, <= 4 MiB RSS. Figures are printed, never asserted.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench-proc.h"
#include "daemon-out.h"
#include "daemon.h"
#include "gen-interrupts.h"

#define NCPUS  1024
#define ROUNDS 200

/* Write one file of the synthetic sysroot. */
static int write_file(const char *dir, const char *rel, const char *text, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fwrite(text, 1, len, f);
	return fclose(f) ? -errno : 0;
}

/* The files tlbisod reads at start, for a 1024-CPU machine with nohz_full=4-1023. */
static int make_sysroot(const char *root, struct tl_buf *irq)
{
	static const char *const dirs[] = {
		"proc", "proc/sys",    "proc/sys/kernel",    "proc/sys/kernel/random",
		"sys",	"sys/devices", "sys/devices/system", "sys/devices/system/cpu"};
	const char *cmdline = "root=/dev/sda nohz_full=4-1023 isolcpus=nohz,domain,4-1023\n";
	int r = 0;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char p[PATH_MAX + 64];

		snprintf(p, sizeof(p), "%s/%s", root, dirs[i]);
		mkdir(p, 0755);
	}
	r |= write_file(root, "proc/interrupts", irq->data, irq->len);
	r |= write_file(root, "proc/cmdline", cmdline, strlen(cmdline));
	r |= write_file(root, "proc/sys/kernel/osrelease", "6.18.0-bench\n", 13);
	r |= write_file(root, "proc/sys/kernel/random/boot_id", "bench\n", 6);
	r |= write_file(root, "sys/devices/system/cpu/online", "0-1023\n", 7);
	r |= write_file(root, "sys/devices/system/cpu/possible", "0-1023\n", 7);
	r |= write_file(root, "sys/devices/system/cpu/nohz_full", "4-1023\n", 7);
	return r;
}

/*
 * The worst case: every counter changes each sample, so that no row can be
 * skipped. Two texts with different counters (same shape) fed alternately;
 * no read, so this is parse, deltas, classify and window only.
 */
static double bench_changing(const struct cpuset *watch, size_t *allocs, size_t *base)
{
	struct gen_irq_opts o = {.ncpus = NCPUS, .offline_cpu = -1, .nirqs = 280, .seed = 2};
	struct tl_buf text[2] = {{0}, {0}};
	struct monitor m;
	struct tl_err e = {0};
	uint64_t t = 0;
	double t0, cpu = -1;

	if (gen_interrupts(&text[0], &o) < 0 || (o.seed = 3, gen_interrupts(&text[1], &o)) < 0 ||
	    monitor_init(&m, watch, watch, 5, 300, &e) < 0)
		goto out;
	for (int i = 0; i < 2; i++)
		monitor_feed(&m, text[i].data, text[i].len, t += 1000000000ull, &e);
	*allocs = monitor_allocs(&m);
	t0 = bench_cpu_self();
	for (int i = 0; i < ROUNDS; i++)
		if (monitor_feed(&m, text[i % 2].data, text[i % 2].len, t += 1000000000ull, &e) < 0)
			break;
	cpu = (bench_cpu_self() - t0) / ROUNDS;
	*allocs = monitor_allocs(&m) - *allocs;
	*base = monitor_base_bytes(&m);
	monitor_free(&m);
out:
	tl_buf_free(&text[0]);
	tl_buf_free(&text[1]);
	return cpu;
}

/* Part 1: the library steps, timed in this process. */
static int bench_in_process(const char *root, const char *prom)
{
	static struct tlbisod d;
	struct tl_logger log;
	struct alert_event ev[ALERT_SLOTS];
	struct tl_err e = {0};
	struct irq_table whole;
	uint64_t skipped;
	double t0, t_sample, t_prom, t_prom_write, t_read, t_changing;
	size_t allocs, ch_allocs = 0, ch_base = 0;

	tl_log_init(&log, "bench-daemon", false);
	conf_defaults(&d.conf);
	d.log = &log;
	alert_engine_init(&d.alerts);
	snprintf(d.conf.alerts.prometheus_textfile, sizeof(d.conf.alerts.prometheus_textfile), "%s",
		 prom);
	cpulist_parse("4-1023", &d.isolated, &e);
	d.nohz = d.isolated;
	if (tl_path_init(&d.path, root, &e) < 0 ||
	    monitor_init(&d.mon, &d.isolated, &d.nohz, 5, 300, &e) < 0) {
		fprintf(stderr, "bench-daemon: %s\n", e.msg);
		return 1;
	}
	d.path_open = d.mon_ready = true;
	for (int i = 0; i < 3; i++) /* warm up: buffers reach their size */
		tlbisod_sample(&d, bench_mono_ns(), time(NULL), ev, ALERT_SLOTS, &e);
	tlbisod_write_textfile(&d);
	allocs = monitor_allocs(&d.mon);
	skipped = d.mon.rows_skipped;
	t0 = bench_cpu_self();
	for (int i = 0; i < ROUNDS; i++)
		if (tlbisod_sample(&d, bench_mono_ns(), time(NULL), ev, ALERT_SLOTS, &e) < 0) {
			fprintf(stderr, "bench-daemon: %s\n", e.msg);
			return 1;
		}
	t_sample = (bench_cpu_self() - t0) / ROUNDS;
	irq_table_init(&whole);
	t0 = bench_cpu_self();
	for (int i = 0; i < ROUNDS; i++)
		irq_table_read(&whole, &d.path, &e);
	t_read = (bench_cpu_self() - t0) / ROUNDS;
	t0 = bench_cpu_self();
	for (int i = 0; i < ROUNDS; i++)
		tlbisod_write_textfile(&d);
	t_prom = (bench_cpu_self() - t0) / ROUNDS;
	t0 = bench_cpu_self();
	for (int i = 0; i < ROUNDS / 10; i++) {
		d.prom_written_ns = 0; /* as if a counter had moved */
		tlbisod_write_textfile(&d);
	}
	t_prom_write = (bench_cpu_self() - t0) / (ROUNDS / 10);
	printf("in process, %d CPUs (%d watched), %zu bytes of /proc/interrupts, %d rows:\n",
	       whole.ncols, d.mon.ncpus, whole.raw.len, whole.nrows);
	printf("  sample (read, parse, deltas, classify, window, alerts): %.3f ms CPU\n",
	       t_sample * 1e3);
	printf("    the file does not change: %.0f of %d rated rows per sample skipped unchanged\n",
	       (double)(d.mon.rows_skipped - skipped) / ROUNDS, d.mon.base.nrows);
	printf("    for comparison, the whole table (irq_table_read):      %.3f ms CPU\n",
	       t_read * 1e3);
	t_changing = bench_changing(&d.isolated, &ch_allocs, &ch_base);
	printf("  every watched counter changing each sample (monitor_feed, no read): %.3f ms "
	       "CPU\n",
	       t_changing * 1e3);
	printf("    with %zu allocations in %d samples, the baseline packed in %zu KiB\n",
	       ch_allocs, ROUNDS, ch_base / 1024);
	printf("  prometheus textfile, nothing changed (state fingerprint): %.3f ms CPU\n",
	       t_prom * 1e3);
	printf("  prometheus textfile, written (%zu bytes, atomic rename):   %.3f ms CPU\n",
	       d.prom_size, t_prom_write * 1e3);
	printf("  allocations in %d steady-state samples: %zu\n", ROUNDS,
	       monitor_allocs(&d.mon) - allocs);
	printf("  monitor baseline: %d rated rows x %d CPUs, packed in %zu KiB (%zu KiB as "
	       "uint32); read buffer %zu KiB\n",
	       d.mon.base.nrows, d.mon.ncpus, monitor_base_bytes(&d.mon) / 1024,
	       (size_t)d.mon.base.nrows * (size_t)d.mon.ncpus * 4 / 1024, d.mon.buf.cap / 1024);
	irq_table_free(&whole);
	tlbisod_free(&d);
	return 0;
}

/* Part 2: the real daemon on the sysroot, measured from outside. */
static int bench_daemon(const char *root, const char *tmp)
{
	char conf[PATH_MAX], rundir[PATH_MAX], statedir[PATH_MAX], text[512];
	long s1, s2;
	double c1, c2;
	pid_t pid;

	snprintf(conf, sizeof(conf), "%s/tlbiso.conf", tmp);
	snprintf(rundir, sizeof(rundir), "%s/run", tmp);
	snprintf(statedir, sizeof(statedir), "%s/state", tmp);
	snprintf(text, sizeof(text),
		 "monitor = { interval_ms = 50; };\n"
		 "alerts = { prometheus_textfile = \"%s/daemon.prom\"; };\n",
		 tmp);
	write_file(tmp, "tlbiso.conf", text, strlen(text));
	if (access("daemon/tlbisod", X_OK) < 0) {
		printf("real daemon: daemon/tlbisod not found here (run from the build "
		       "directory)\n");
		return 0;
	}
	pid = fork();
	if (pid == 0) {
		freopen("/dev/null", "w", stderr);
		execl("daemon/tlbisod", "tlbisod", "--config", conf, "--sysroot", root,
		      "--runtime-dir", rundir, "--state-dir", statedir, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100 && bench_daemon_samples(rundir) < 20; i++)
		usleep(100000);
	s1 = bench_daemon_samples(rundir);
	c1 = bench_proc_cpu(pid);
	sleep(4);
	c2 = bench_proc_cpu(pid); /* before asking: a status of 1024 CPUs is not a sample's cost */
	s2 = bench_daemon_samples(rundir);
	printf("real daemon, interval 50 ms, textfile on:\n");
	if (s1 < 0 || s2 <= s1)
		printf("  could not read its sample counter\n");
	else
		printf("  %.3f ms CPU per sample in steady state (%ld samples; the whole loop: "
		       "sample, textfile, timers)\n",
		       (c2 - c1) * 1e3 / (double)(s2 - s1), s2 - s1);
	printf("  VmRSS %ld KiB (anonymous %ld KiB, libraries and files %ld KiB), VmHWM %ld KiB\n",
	       bench_proc_kib(pid, "status", "VmRSS:"), bench_proc_kib(pid, "status", "RssAnon:"),
	       bench_proc_kib(pid, "status", "RssFile:"), bench_proc_kib(pid, "status", "VmHWM:"));
	printf("  Pss %ld KiB (anonymous %ld KiB, files %ld KiB): VmRSS counts every shared "
	       "library page in full, Pss divides them among their users\n",
	       bench_proc_kib(pid, "smaps_rollup", "Pss:"),
	       bench_proc_kib(pid, "smaps_rollup", "Pss_Anon:"),
	       bench_proc_kib(pid, "smaps_rollup", "Pss_File:"));
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	return 0;
}

int main(void)
{
	struct gen_irq_opts o = {.ncpus = NCPUS, .offline_cpu = -1, .nirqs = 280, .seed = 1};
	struct tl_buf irq = {0};
	char tmp[] = "/tmp/tlbiso-bench-XXXXXX", root[PATH_MAX], prom[PATH_MAX], cmd[PATH_MAX + 16];
	int r;

	if (!mkdtemp(tmp) || gen_interrupts(&irq, &o) < 0)
		return 1;
	snprintf(root, sizeof(root), "%s/sysroot", tmp);
	snprintf(prom, sizeof(prom), "%s/tlbiso.prom", tmp);
	mkdir(root, 0755);
	if (make_sysroot(root, &irq) != 0) {
		fprintf(stderr, "bench-daemon: cannot write the sysroot under %s\n", tmp);
		return 1;
	}
	r = bench_in_process(root, prom);
	if (r == 0)
		r = bench_daemon(root, tmp);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "bench-daemon: could not remove %s\n", tmp);
	tl_buf_free(&irq);
	printf("targets: <= 1 ms CPU per sample, <= 4096 KiB RSS\n");
	return r;
}
