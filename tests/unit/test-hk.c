// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The housekeeping knobs against a temporary sysroot whose files stand in
 * for /proc/irq, /proc/sys and /sys, with faults injected through the write
 * seam: whatever is applied is restored byte for byte, and the journal
 * stays consistent.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hk-fixture.h"
#include "housekeeping.h"
#include "procs.h"

static const char *const files[] = {
	"proc/irq/0/smp_affinity_list",
	"proc/irq/24/smp_affinity_list",
	"proc/irq/25/smp_affinity_list",
	"proc/irq/30/smp_affinity_list",
	"proc/irq/default_smp_affinity",
	"sys/devices/virtual/workqueue/cpumask",
	"sys/devices/virtual/workqueue/writeback/cpumask",
	"sys/devices/virtual/workqueue/blkcg_punt_bio/cpumask",
	"proc/sys/kernel/watchdog_cpumask",
	"proc/sys/vm/stat_interval",
	"proc/sys/kernel/timer_migration",
	"proc/sys/kernel/sched_rt_runtime_us",
	NULL,
};

static const char *const values[] = {
	"0\n", "0-3\n", "0-3\n", "1-3\n", "f\n", "0000000f\n",
	"f\n", "3\n",	"0-3\n", "1\n",	  "1\n", "950000\n",
};

struct fixture {
	char root[64];
	char run[80];
	struct tl_path p;
	struct fx_io io;
	struct hk_report rep;
	struct hk_config conf;
	struct cpuset iso, hk;
	char snap[16][64];
	struct hk_state st;
};

/* A kernel thread (or a process) as /proc shows it. */
static void add_task(struct fixture *fx, pid_t pid, const char *comm, unsigned int flags,
		     const char *allowed, bool pinned)
{
	char rel[128], text[512];

	snprintf(rel, sizeof(rel), "proc/%d/task/%d/stat", pid, pid);
	snprintf(text, sizeof(text),
		 "%d (%s) S 2 0 0 0 -1 %u 0 0 0 0 0 0 0 0 20 0 1 0 10 0 0 18446744073709551615 "
		 "0 0 0 0 0 0 0 2147483647 0 0 0 0 17 0 0 0 0 0 0\n",
		 pid, comm, flags);
	fx_write(fx->root, rel, text);
	snprintf(rel, sizeof(rel), "proc/%d/task/%d/status", pid, pid);
	snprintf(text, sizeof(text), "Name:\t%s\nTgid:\t%d\nCpus_allowed_list:\t%s\n", comm, pid,
		 allowed);
	fx_write(fx->root, rel, text);
	snprintf(rel, sizeof(rel), "proc/%d/comm", pid);
	snprintf(text, sizeof(text), "%s\n", comm);
	fx_write(fx->root, rel, text);
	fx->io.pids[fx->io.ntasks] = pid;
	cpulist_parse(allowed, &fx->io.aff[fx->io.ntasks], NULL);
	fx->io.pinned[fx->io.ntasks++] = pinned;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct tl_err e;

	strcpy(fx->root, "/tmp/tlbiso-hk-XXXXXX");
	assert_non_null(mkdtemp(fx->root));
	snprintf(fx->run, sizeof(fx->run), "%s/run", fx->root);
	mkdir(fx->run, 0700);
	for (int i = 0; files[i]; i++)
		fx_write(fx->root, files[i], values[i]);
	fx_write(fx->root, "proc/interrupts",
		 "           CPU0       CPU1       CPU2       CPU3\n"
		 "  0:         10          0          0          0   IO-APIC   2-edge      timer\n"
		 " 24:        100          0          5          0   PCI-MSI 524288-edge      "
		 "nvme0q0\n"
		 " 25:          0          0          0          0   PCI-MSI 524289-edge      "
		 "nvme0q1\n"
		 " 30:          0          0          0          0   PCI-MSI 1-edge      "
		 "virtio0-input.0\n"
		 "NMI:          0          0          0          0   Non-maskable interrupts\n");
	fx_write(fx->root, "sys/devices/system/cpu/possible", "0-3\n");
	fx_write(fx->root, "proc/sys/kernel/random/boot_id", "5eed\n");
	fx_io_init(&fx->io);
	add_task(fx, 2, "kthreadd", TL_PF_KTHREAD, "0-3", false);
	add_task(fx, 15, "rcuop/2", TL_PF_KTHREAD, "0-3", false);
	add_task(fx, 20, "migration/2", TL_PF_KTHREAD | TL_PF_NO_SETAFFINITY, "2", false);
	add_task(fx, 21, "ksmd", TL_PF_KTHREAD, "2-3", true);
	add_task(fx, 40, "irq/24-nvme0q0", TL_PF_KTHREAD, "2", false);
	add_task(fx, 100, "bash", 0, "0-3", false);
	assert_int_equal(tl_path_init(&fx->p, fx->root, &e), 0);
	hk_config_defaults(&fx->conf);
	fx->conf.apply = true;
	fx->conf.timer_migration = fx->conf.rt_runtime_us = true;
	cpulist_parse("2-3", &fx->iso, NULL);
	cpulist_parse("0-1", &fx->hk, NULL);
	for (int i = 0; files[i]; i++)
		fx_read(fx->root, files[i], fx->snap[i], sizeof(fx->snap[i]));
	fx->st.io = &fx->io.io;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	tl_path_fini(&fx->p);
	hk_report_free(&fx->rep);
	fx_rmtree(fx->root);
	free(fx);
	return 0;
}

static const char *rd(struct fixture *fx, const char *rel)
{
	static char buf[256];

	return fx_read(fx->root, rel, buf, sizeof(buf));
}

/* Every file as it was before the apply, byte for byte, and the fake tasks too. */
static void assert_all_restored(struct fixture *fx)
{
	struct cpuset all;

	for (int i = 0; files[i]; i++)
		assert_string_equal(rd(fx, files[i]), fx->snap[i]);
	cpulist_parse("0-3", &all, NULL);
	assert_true(cpuset_equal(&fx->io.aff[0], &all));
	assert_true(cpuset_equal(&fx->io.aff[1], &all));
	assert_false(rj_exists(fx->run));
}

static bool has_note(const struct hk_report *r, enum hk_note_kind k, const char *what)
{
	for (int i = 0; i < r->n; i++)
		if (r->items[i].kind == k && strstr(r->items[i].what, what))
			return true;
	return false;
}

static int start(struct fixture *fx)
{
	struct tl_err e = {0};

	return hk_start(&fx->st, &fx->conf, &fx->p, &fx->iso, &fx->hk, fx->run, &fx->rep, &e);
}

static void test_apply_and_stop(void **state)
{
	struct fixture *fx = *state;
	struct cpuset want;

	assert_int_equal(start(fx), 0);
	assert_string_equal(rd(fx, "proc/irq/24/smp_affinity_list"), "0-1");
	assert_string_equal(rd(fx, "proc/irq/30/smp_affinity_list"),
			    "1"); /* keeps its own HK CPU */
	assert_string_equal(rd(fx, "proc/irq/0/smp_affinity_list"), "0\n"); /* untouched */
	assert_string_equal(rd(fx, "proc/irq/default_smp_affinity"), "00000003");
	assert_string_equal(rd(fx, "sys/devices/virtual/workqueue/cpumask"), "00000003");
	assert_string_equal(rd(fx, "sys/devices/virtual/workqueue/writeback/cpumask"), "00000003");
	assert_string_equal(rd(fx, "sys/devices/virtual/workqueue/blkcg_punt_bio/cpumask"), "3\n");
	assert_string_equal(rd(fx, "proc/sys/kernel/watchdog_cpumask"), "0-1");
	assert_string_equal(rd(fx, "proc/sys/vm/stat_interval"), "10");
	assert_string_equal(rd(fx, "proc/sys/kernel/timer_migration"), "0");
	assert_string_equal(rd(fx, "proc/sys/kernel/sched_rt_runtime_us"), "-1");
	cpulist_parse("0-1", &want, NULL);
	assert_true(cpuset_equal(&fx->io.aff[0], &want)); /* kthreadd */
	assert_true(cpuset_equal(&fx->io.aff[1], &want)); /* rcuop/2 stays on housekeeping */
	cpulist_parse("2", &want, NULL);
	assert_true(cpuset_equal(&fx->io.aff[2], &want)); /* PF_NO_SETAFFINITY: skipped */
	assert_true(cpuset_equal(&fx->io.aff[4], &want)); /* irq thread follows its IRQ */
	cpulist_parse("0-3", &want, NULL);
	assert_true(cpuset_equal(&fx->io.aff[5], &want)); /* user process: not ours */
	assert_true(has_note(&fx->rep, HK_NOTE_APPLIED, "irq 24 (nvme0q0)"));
	assert_int_equal(fx->rep.count[HK_NOTE_ERROR], 0);
	assert_true(rj_exists(fx->run));
	hk_report_reset(&fx->rep);
	assert_int_equal(hk_stop(&fx->st, &fx->rep), 0);
	assert_all_restored(fx);
	assert_int_equal(fx->rep.count[HK_NOTE_FOREIGN], 0);
}

/* A managed IRQ (EIO) is reported, not an error, and not retried every interval. */
static void test_managed_irq_eio(void **state)
{
	struct fixture *fx = *state;
	int writes;

	fx_io_fail(&fx->io, "/proc/irq/25/smp_affinity_list", EIO);
	fx_io_fail(&fx->io, "/proc/irq/30/smp_affinity_list", EPERM);
	assert_int_equal(start(fx), 0);
	assert_true(has_note(&fx->rep, HK_NOTE_UNMOVABLE, "irq 25 (nvme0q1)"));
	assert_true(has_note(&fx->rep, HK_NOTE_UNMOVABLE, "irq 30 (virtio0-input.0)"));
	assert_int_equal(fx->rep.count[HK_NOTE_ERROR], 0);
	assert_string_equal(rd(fx, "proc/irq/24/smp_affinity_list"), "0-1");
	writes = fx->io.nwrites;
	hk_report_reset(&fx->rep);
	assert_int_equal(hk_tick(&fx->st, &fx->rep), 0);
	assert_int_equal(fx->io.nwrites, writes);
	assert_int_equal(fx->rep.n, 0);
	assert_int_equal(hk_stop(&fx->st, &fx->rep), 0);
	assert_all_restored(fx);
}

/* Every write from the k-th on fails with err: what was applied comes back, every time. */
static void fault_after(void **state, int err)
{
	struct fixture *fx = *state;
	struct fx_io clean;
	int total;

	assert_int_equal(start(fx), 0);
	total = fx->io.nwrites;
	assert_int_equal(hk_stop(&fx->st, &fx->rep), 0);
	clean = fx->io;
	for (int k = 1; k <= total; k++) {
		struct rj_list l;
		char file[PATH_MAX];
		struct tl_err e;

		fx->io = clean;
		fx->io.io.ctx = &fx->io;
		fx->io.nwrites = 0;
		fx->io.fail_after = k;
		fx->io.fail_after_err = err;
		memset(&fx->st, 0, sizeof(fx->st));
		fx->st.io = &fx->io.io;
		hk_report_reset(&fx->rep);
		assert_int_equal(start(fx), 0);
		assert_true(fx->rep.count[HK_NOTE_ERROR] + fx->rep.count[HK_NOTE_UNMOVABLE] +
				    fx->rep.count[HK_NOTE_INFO] + fx->rep.count[HK_NOTE_WARN] >
			    0);
		/* The journal parses whole: one record per attempted change. */
		rj_path(fx->run, file, sizeof(file));
		assert_int_equal(rj_load(file, &l, &e), 0);
		assert_int_equal(l.torn + l.corrupt, 0);
		assert_true(l.n >= k);
		rj_list_free(&l);
		fx->io.fail_after = 0;
		assert_int_equal(hk_stop(&fx->st, &fx->rep), 0);
		assert_int_equal(fx->rep.count[HK_NOTE_FOREIGN], 0);
		assert_all_restored(fx);
	}
}

static void test_fault_eio(void **state)
{
	fault_after(state, EIO);
}

static void test_fault_einval(void **state)
{
	fault_after(state, EINVAL);
}

static void test_fault_eacces(void **state)
{
	fault_after(state, EACCES);
}

/* An IRQ moved back by hand, and one that appears: re-applied at the next tick, named. */
static void test_drift(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(start(fx), 0);
	fx_write(fx->root, "proc/irq/24/smp_affinity_list", "2\n");
	fx_write(fx->root, "proc/irq/31/smp_affinity_list", "0-3\n");
	hk_report_reset(&fx->rep);
	assert_int_equal(hk_tick(&fx->st, &fx->rep), 2);
	assert_true(has_note(&fx->rep, HK_NOTE_DRIFT, "irq 24 (nvme0q0)"));
	assert_true(has_note(&fx->rep, HK_NOTE_DRIFT, "irq 31"));
	assert_string_equal(rd(fx, "proc/irq/24/smp_affinity_list"), "0-1");
	assert_string_equal(rd(fx, "proc/irq/31/smp_affinity_list"), "0-1");
	hk_report_reset(&fx->rep);
	assert_int_equal(hk_tick(&fx->st, &fx->rep), 0); /* settled */
	assert_int_equal(hk_stop(&fx->st, &fx->rep), 0);
	/* The new IRQ gets its own first value back; IRQ 24 the value the user gave it. */
	assert_string_equal(rd(fx, "proc/irq/31/smp_affinity_list"), "0-3\n");
	assert_string_equal(rd(fx, "proc/irq/24/smp_affinity_list"), "2\n");
	assert_true(has_note(&fx->rep, HK_NOTE_FOREIGN, "/proc/irq/24/smp_affinity_list"));
}

/* A crash leaves the journal; the next start restores before anything else. */
static void test_replay_after_crash(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(start(fx), 0);
	rj_close(&fx->st.jw); /* the process dies: nothing else happens */
	memset(&fx->st, 0, sizeof(fx->st));
	fx->st.io = &fx->io.io;
	fx->conf.apply = false;
	hk_report_reset(&fx->rep);
	assert_int_equal(start(fx), 0);
	assert_true(has_note(&fx->rep, HK_NOTE_INFO, fx->run));
	for (int i = 0; files[i]; i++)
		assert_string_equal(rd(fx, files[i]), fx->snap[i]);
	assert_false(rj_exists(fx->run));
}

/* No journal, no change. */
static void test_journal_unwritable(void **state)
{
	struct fixture *fx = *state;
	struct tl_err e = {0};

	assert_true(hk_start(&fx->st, &fx->conf, &fx->p, &fx->iso, &fx->hk, "/nonexistent/tlbiso",
			     &fx->rep, &e) < 0);
	assert_non_null(strstr(e.msg, "journal"));
	assert_int_equal(fx->io.nwrites, 0);
	for (int i = 0; files[i]; i++)
		assert_string_equal(rd(fx, files[i]), fx->snap[i]);
}

static struct fixture *journal_victim;

/* After the third write, the journal's descriptor goes bad: the next append fails. */
static int write_then_break_journal(void *ctx, const struct tl_path *p, const char *path,
				    const char *val, struct tl_err *e)
{
	int r = fx_io_write(ctx, p, path, val, e);

	if (journal_victim->io.nwrites == 3)
		close(journal_victim->st.jw.fd);
	return r;
}

/* The journal fails mid-apply (disk full): stop there and undo, leave nothing changed. */
static void test_journal_fails_mid_apply(void **state)
{
	struct fixture *fx = *state;
	struct tl_err e = {0};

	journal_victim = fx;
	fx->io.io.write = write_then_break_journal;
	assert_true(hk_start(&fx->st, &fx->conf, &fx->p, &fx->iso, &fx->hk, fx->run, &fx->rep, &e) <
		    0);
	assert_non_null(strstr(e.msg, "restored what was applied"));
	assert_int_equal(fx->io.nwrites, 3 + 3); /* three applied, three restored */
	assert_all_restored(fx);
}

/* Someone changes a value after us: stop leaves theirs. */
static void test_foreign_at_stop(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(start(fx), 0);
	fx_write(fx->root, "proc/sys/vm/stat_interval", "30\n");
	assert_int_equal(hk_stop(&fx->st, &fx->rep), 0);
	assert_string_equal(rd(fx, "proc/sys/vm/stat_interval"), "30\n");
	assert_true(has_note(&fx->rep, HK_NOTE_FOREIGN, "stat_interval"));
}

/* Each knob on its own: only stat_interval on changes only that file. */
static void test_one_knob(void **state)
{
	struct fixture *fx = *state;

	fx->conf.irq_affinity = fx->conf.workqueue_cpumask = fx->conf.kthreads = false;
	fx->conf.watchdog_cpumask = fx->conf.timer_migration = fx->conf.rt_runtime_us = false;
	assert_int_equal(start(fx), 0);
	assert_int_equal(fx->io.nwrites, 1);
	assert_string_equal(fx->io.log[0], "/proc/sys/vm/stat_interval=10");
	assert_int_equal(hk_stop(&fx->st, &fx->rep), 0);
	assert_all_restored(fx);
	/* and the master switch off changes nothing at all */
	hk_config_defaults(&fx->conf);
	assert_int_equal(start(fx), 0);
	assert_int_equal(fx->io.nwrites, 2);
	assert_false(rj_exists(fx->run));
}

/* irqbalance without a ban on the isolated CPUs: IRQs are left to it, the rest applied. */
static void test_coexist_irqbalance(void **state)
{
	struct fixture *fx = *state;

	add_task(fx, 300, "irqbalance", 0, "0-3", false);
	assert_int_equal(start(fx), 0);
	assert_true(has_note(&fx->rep, HK_NOTE_REFUSED, "irqbalance"));
	assert_string_equal(rd(fx, "proc/irq/24/smp_affinity_list"), "0-3\n");
	assert_string_equal(rd(fx, "proc/sys/vm/stat_interval"), "10");
	assert_int_equal(hk_stop(&fx->st, &fx->rep), 0);
	/* banned in its config: no conflict */
	fx_write(fx->root, "etc/default/irqbalance",
		 "#IRQBALANCE_ONESHOT=\n"
		 "IRQBALANCE_BANNED_CPULIST=\"2-3\"\n");
	hk_report_reset(&fx->rep);
	assert_int_equal(start(fx), 0);
	assert_false(has_note(&fx->rep, HK_NOTE_REFUSED, "irqbalance"));
	assert_string_equal(rd(fx, "proc/irq/24/smp_affinity_list"), "0-1");
	assert_int_equal(hk_stop(&fx->st, &fx->rep), 0);
}

/* coexist = "warn": say it, and apply anyway. */
static void test_coexist_warn(void **state)
{
	struct fixture *fx = *state;

	add_task(fx, 300, "irqbalance", 0, "0-3", false);
	fx->conf.coexist = HK_COEXIST_WARN;
	assert_int_equal(start(fx), 0);
	assert_true(has_note(&fx->rep, HK_NOTE_WARN, "irqbalance"));
	assert_string_equal(rd(fx, "proc/irq/24/smp_affinity_list"), "0-1");
	assert_int_equal(hk_stop(&fx->st, &fx->rep), 0);
}

/* tuned's cpu-partitioning isolating other CPUs: nothing is applied. */
static void test_coexist_tuned(void **state)
{
	struct fixture *fx = *state;

	add_task(fx, 301, "tuned", 0, "0-3", false);
	fx_write(fx->root, "etc/tuned/active_profile", "cpu-partitioning\n");
	fx_write(fx->root, "etc/tuned/cpu-partitioning-variables.conf",
		 "# Examples:\n# isolated_cores=2,4-7\nisolated_cores=1-3\n");
	assert_int_equal(start(fx), 0);
	assert_true(has_note(&fx->rep, HK_NOTE_REFUSED, "tuned"));
	assert_int_equal(fx->io.nwrites, 0);
	fx_write(fx->root, "etc/tuned/cpu-partitioning-variables.conf", "isolated_cores=2-3\n");
	hk_report_reset(&fx->rep);
	assert_int_equal(start(fx), 0);
	assert_false(has_note(&fx->rep, HK_NOTE_REFUSED, "tuned"));
	assert_true(fx->io.nwrites > 0);
	assert_int_equal(hk_stop(&fx->st, &fx->rep), 0);
	assert_true(hk_tuned_profile_is_partitioning("realtime cpu-partitioning"));
	assert_false(hk_tuned_profile_is_partitioning("cpu-partitioning-powersave"));
}

/* mkdir/rmdir hooks: a cgroup directory comes with its interface files. */
static int cg_mkdir(void *ctx, const struct tl_path *p, const char *path)
{
	struct fx_io *f = ctx;
	char rel[512], root[PATH_MAX];

	(void)f;
	snprintf(root, sizeof(root), "%s", p->root);
	snprintf(rel, sizeof(rel), "%s/cpuset.cpus", path + 1);
	fx_write(root, rel, "\n");
	snprintf(rel, sizeof(rel), "%s/cpuset.cpus.exclusive", path + 1);
	fx_write(root, rel, "\n");
	snprintf(rel, sizeof(rel), "%s/cpuset.cpus.partition", path + 1);
	fx_write(root, rel, "member\n");
	return 0;
}

static int cg_rmdir(void *ctx, const struct tl_path *p, const char *path)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s%s", p->root, path);
	fx_rmtree(dir);
	return 0;
}

/* The kernel's verdict on a partition it cannot honour. */
static int cg_write_invalid(void *ctx, const struct tl_path *p, const char *path, const char *val,
			    struct tl_err *e)
{
	if (strstr(path, "cpuset.cpus.partition") && !strcmp(val, "isolated"))
		val = "isolated invalid (Cpu list in cpuset.cpus not exclusive)";
	return fx_io_write(ctx, p, path, val, e);
}

static void test_cpuset_partition(void **state)
{
	struct fixture *fx = *state;
	const char *cg = "sys/fs/cgroup/tlbiso.isolated";
	char rel[128];

	fx_write(fx->root, "sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
	fx_write(fx->root, "sys/fs/cgroup/cgroup.subtree_control", "cpuset cpu memory\n");
	fx->io.io.mkdir = cg_mkdir;
	fx->io.io.rmdir = cg_rmdir;
	fx->conf = (struct hk_config){.apply = true, .cpuset_partition = true};
	assert_int_equal(start(fx), 0);
	snprintf(rel, sizeof(rel), "%s/cpuset.cpus.partition", cg);
	assert_string_equal(rd(fx, rel), "isolated");
	snprintf(rel, sizeof(rel), "%s/cpuset.cpus", cg);
	assert_string_equal(rd(fx, rel), "2-3");
	assert_true(has_note(&fx->rep, HK_NOTE_APPLIED, "/sys/fs/cgroup/tlbiso.isolated"));
	assert_int_equal(hk_stop(&fx->st, &fx->rep), 0);
	assert_false(tl_path_exists(&fx->p, "/sys/fs/cgroup/tlbiso.isolated"));
	/* invalid: reported with the kernel's reason, and still undone */
	fx->io.io.write = cg_write_invalid;
	hk_report_reset(&fx->rep);
	assert_int_equal(start(fx), 0);
	assert_true(has_note(&fx->rep, HK_NOTE_WARN, "/sys/fs/cgroup/tlbiso.isolated"));
	assert_int_equal(hk_stop(&fx->st, &fx->rep), 0);
	assert_false(tl_path_exists(&fx->p, "/sys/fs/cgroup/tlbiso.isolated"));
	/* cpuset not delegated: a warning, nothing created */
	fx_write(fx->root, "sys/fs/cgroup/cgroup.subtree_control", "cpu memory\n");
	hk_report_reset(&fx->rep);
	assert_int_equal(start(fx), 0);
	assert_true(has_note(&fx->rep, HK_NOTE_WARN, "subtree_control"));
	assert_false(rj_exists(fx->run));
}

/* The sets are checked before anything is touched. */
static void test_bad_sets(void **state)
{
	struct fixture *fx = *state;

	cpuset_set(&fx->hk, 2);
	assert_true(start(fx) < 0);
	cpuset_zero(&fx->hk);
	assert_true(start(fx) < 0);
	assert_int_equal(fx->io.nwrites, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_apply_and_stop),
		T(test_managed_irq_eio),
		T(test_fault_eio),
		T(test_fault_einval),
		T(test_fault_eacces),
		T(test_drift),
		T(test_replay_after_crash),
		T(test_journal_unwritable),
		T(test_journal_fails_mid_apply),
		T(test_foreign_at_stop),
		T(test_one_knob),
		T(test_coexist_irqbalance),
		T(test_coexist_warn),
		T(test_coexist_tuned),
		T(test_cpuset_partition),
		T(test_bad_sets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
