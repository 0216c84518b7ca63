// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Checks of the running system's placement of interrupts, work and threads:
 * IRQ affinities, the workqueue and watchdog masks, movable kthreads,
 * SMT and NUMA placement of the isolated set, and irqbalance.
 * All read-only: check never writes to find out whether an IRQ is managed.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-impl.h"

#define LIST_MAX 32 /* items named in an evidence list or a remedy */

/*
 * Per-queue MSI names of drivers that use kernel-managed affinity: the
 * kernel spreads them over all CPUs and refuses to move them (EIO).
 * procfs does not say which IRQs are managed, so check can only suspect.
 */
static bool irq_possibly_managed(const char *name)
{
	static const char *const pats[] = {
		"nvme*q*",	  "virtio*-request.*", "virtio*-input.*", "virtio*-output.*",
		"*-TxRx-*",	  "mlx5_comp*",	       "*-fp-*",	  "megasas*",
		"mpt3sas*-msix*", "hisi_sas*",	       "qla2xxx*",	  "lpfc*",
	};

	if (!name[0])
		return false;
	if (!fnmatch("nvme*q0", name, 0)) /* the admin queue is not managed */
		return false;
	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++)
		if (!fnmatch(pats[i], name, 0))
			return true;
	return false;
}

/* One IRQ as evidence. */
static json_object *irq_json(const struct irq_affinity *a, bool managed)
{
	json_object *o = json_object_new_object();
	char buf[256];

	json_object_object_add(o, "irq", json_object_new_int(a->irq));
	json_object_object_add(o, "name", json_object_new_string(a->name));
	json_object_object_add(o, "effective",
			       json_object_new_string(cpus_str(&a->effective, buf, sizeof(buf))));
	json_object_object_add(o, "requested",
			       json_object_new_string(cpus_str(&a->requested, buf, sizeof(buf))));
	json_object_object_add(o, "possibly_managed", json_object_new_boolean(managed));
	return o;
}

/* Append " N" to a space-separated list, within its size. */
static void list_add_int(char *buf, size_t sz, int v)
{
	size_t n = strlen(buf);

	snprintf(buf + n, sz - n, "%s%d", n ? " " : "", v);
}

/* Summary and remedy once the IRQs touching the isolated set are sorted. */
static void irq_affinity_verdict(struct check_ctx *c, struct check_result *r, int movable,
				 int managed, const char *movable_list, const char *names)
{
	bool has_managed_flag = c->f->cmdline.isolcpus_flags & ISOL_MANAGED_IRQ;

	if (!movable && !managed) {
		check_set(r, CHECK_PASS, "no IRQ's effective affinity includes %s", c->isol_list);
		return;
	}
	if (movable) {
		check_set(r, CHECK_FAIL,
			  "%d movable IRQ(s) and %d possibly managed (kernel-managed "
			  "queue IRQ) target %s: %s",
			  movable, managed, c->isol_list, names);
		check_remedy(r, "for i in %s; do echo %s > /proc/irq/$i/smp_affinity_list; done",
			     movable_list, c->hk_list);
		return;
	}
	check_set(r, CHECK_WARN,
		  "%d possibly managed (kernel-managed queue IRQ) IRQ(s) target %s: %s", managed,
		  c->isol_list, names);
	if (!has_managed_flag)
		check_remedy(r, "isolcpus=managed_irq,domain,%s", c->isol_list);
}

/* Name the first IRQs in the summary ("31 eth0, 40 nvme0q3, ..."). */
static void names_add(char *buf, size_t sz, int count, const struct irq_affinity *a)
{
	size_t n = strlen(buf);

	if (count < 4)
		snprintf(buf + n, sz - n, "%s%d%s%s", n ? ", " : "", a->irq, a->name[0] ? " " : "",
			 a->name);
	else if (count == 4)
		snprintf(buf + n, sz - n, ", ...");
}

/* Every IRQ whose effective affinity touches an isolated CPU. */
static void chk_irq_affinity(struct check_ctx *c, struct check_result *r)
{
	char movable_list[256] = "", names[320] = "";
	int movable = 0, managed = 0;
	json_object *list;

	if (check_need_isolated(c, r))
		return;
	if (check_load_irqs(c) < 0) {
		check_set(r, CHECK_SKIP, "cannot read the IRQs: %s", c->irqs_err);
		return;
	}
	list = json_object_new_array();
	for (int i = 0; i < c->aff.n; i++) {
		const struct irq_affinity *a = &c->aff.items[i];
		bool m;

		if (!cpuset_intersects(&a->effective, c->isolated))
			continue;
		m = irq_possibly_managed(a->name);
		names_add(names, sizeof(names), movable + managed, a);
		if (m)
			managed++;
		else if (movable++ < LIST_MAX)
			list_add_int(movable_list, sizeof(movable_list), a->irq);
		if (json_object_array_length(list) < LIST_MAX)
			json_object_array_add(list, irq_json(a, m));
	}
	ev_int(r, "irqs_read", c->aff.n);
	ev_obj(r, "on_isolated", list);
	irq_affinity_verdict(c, r, movable, managed, movable_list, names);
}

/* /proc/irq/default_smp_affinity: the mask new IRQs start with. */
static void chk_default_affinity(struct check_ctx *c, struct check_result *r)
{
	struct tl_err e = {0};
	struct cpuset def;
	char mask[2100];
	int nr = c->f->topo ? c->f->topo->nr_cpus : 1;

	if (check_need_isolated(c, r))
		return;
	if (irqinfo_default_affinity(c->p, &def, &e) < 0) {
		check_set(r, CHECK_SKIP, "cannot read the default IRQ affinity: %s", e.msg);
		return;
	}
	ev_cpus(r, "default_smp_affinity", &def);
	if (!cpuset_intersects(&def, c->isolated)) {
		check_set(r, CHECK_PASS, "new IRQs start on housekeeping CPUs only");
		return;
	}
	cpumask_format(c->housekeeping, nr, mask, sizeof(mask));
	check_set(r, CHECK_FAIL,
		  "new IRQs may start on isolated CPUs (default_smp_affinity "
		  "includes %s)",
		  c->isol_list);
	check_remedy(r, "echo %s > /proc/irq/default_smp_affinity (at boot: irqaffinity=%s)", mask,
		     c->hk_list);
}

/* Read a hex-mask sysfs file; false when absent or malformed. */
static bool read_mask(const struct check_ctx *c, const char *path, struct cpuset *s)
{
	char line[2100];

	if (tl_path_read_line(c->p, path, line, sizeof(line), NULL) < 0)
		return false;
	return cpumask_parse(line, s, NULL) == 0;
}

/*
 * Unbound workqueues: their mask must leave the isolated CPUs out. Kernels
 * that publish cpumask_isolated (~6.8) remove those CPUs from the mask by
 * themselves, so only the rest counts.
 */
static void chk_workqueue(struct check_ctx *c, struct check_result *r)
{
	const char *path = "/sys/devices/virtual/workqueue/cpumask";
	struct cpuset wq, wq_iso;
	char mask[2100];

	if (check_need_isolated(c, r))
		return;
	if (!read_mask(c, path, &wq)) {
		check_set(r, CHECK_SKIP, "%s is not readable", path);
		return;
	}
	ev_cpus(r, "cpumask", &wq);
	if (read_mask(c, "/sys/devices/virtual/workqueue/cpumask_isolated", &wq_iso)) {
		ev_cpus(r, "cpumask_isolated", &wq_iso);
		cpuset_andnot(&wq, &wq, &wq_iso);
	}
	if (!cpuset_intersects(&wq, c->isolated)) {
		check_set(r, CHECK_PASS, "unbound workqueues stay off %s", c->isol_list);
		return;
	}
	cpumask_format(c->housekeeping, c->f->topo ? c->f->topo->nr_cpus : 1, mask, sizeof(mask));
	check_set(r, CHECK_WARN, "unbound workqueues may run on isolated CPUs");
	check_remedy(r, "echo %s > %s", mask, path);
}

static int kthread_cmp(const void *a, const void *b)
{
	return ((const struct kthread_id *)a)->pid - ((const struct kthread_id *)b)->pid;
}

/* The first LIST_MAX by pid: /proc order differs between a live system and a dump. */
static void kthread_evidence(struct check_result *r, struct check_ctx *c, char *pids, size_t sz)
{
	json_object *list = json_object_new_array();

	/* qsort(NULL, 0) is undefined: a dump may hold no kernel threads at all. */
	if (c->nkthreads)
		qsort(c->kthreads, (size_t)c->nkthreads, sizeof(*c->kthreads), kthread_cmp);
	for (int i = 0; i < c->nkthreads && i < LIST_MAX; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "pid", json_object_new_int(c->kthreads[i].pid));
		json_object_object_add(o, "comm", json_object_new_string(c->kthreads[i].comm));
		json_object_array_add(list, o);
		list_add_int(pids, sz, c->kthreads[i].pid);
	}
	ev_int(r, "count", c->nkthreads);
	ev_obj(r, "kthreads", list);
}

/* Movable kernel threads allowed to run on isolated CPUs. */
static void chk_kthreads(struct check_ctx *c, struct check_result *r)
{
	char pids[256] = "";

	if (check_need_isolated(c, r))
		return;
	if (check_load_tasks(c) < 0) {
		check_set(r, CHECK_SKIP, "cannot walk the processes: %s", c->tasks_err);
		return;
	}
	kthread_evidence(r, c, pids, sizeof(pids));
	if (!c->nkthreads) {
		check_set(r, CHECK_PASS, "no movable kthread may run on %s", c->isol_list);
		return;
	}
	check_set(r, CHECK_WARN, "%d movable kthread(s) may run on isolated CPUs", c->nkthreads);
	check_remedy(r, "for p in %s; do taskset -pc %s $p; done", pids, c->hk_list);
}

/* The soft-lockup watchdog's timers must not run on isolated CPUs. */
static void chk_watchdog(struct check_ctx *c, struct check_result *r)
{
	struct cpuset wd;
	int64_t on = 1;

	if (check_need_isolated(c, r))
		return;
	if (tl_path_read_cpulist(c->p, "/proc/sys/kernel/watchdog_cpumask", &wd, NULL) < 0) {
		check_set(r, CHECK_SKIP, "kernel.watchdog_cpumask is not readable");
		return;
	}
	ev_cpus(r, "watchdog_cpumask", &wd);
	if (tl_path_read_s64(c->p, "/proc/sys/kernel/watchdog", &on, NULL) == 0)
		ev_int(r, "watchdog", on);
	if (!on) {
		check_set(r, CHECK_PASS, "the lockup watchdog is disabled (kernel.watchdog=0)");
		return;
	}
	if (!cpuset_intersects(&wd, c->isolated)) {
		check_set(r, CHECK_PASS, "the lockup watchdog stays off %s", c->isol_list);
		return;
	}
	check_set(r, CHECK_WARN, "the lockup watchdog runs on isolated CPUs");
	check_remedy(r, "sysctl -w kernel.watchdog_cpumask=%s", c->hk_list);
}

/* An isolated CPU whose SMT sibling is housekeeping shares its core with noise. */
static void chk_smt(struct check_ctx *c, struct check_result *r)
{
	const struct topology *t = c->f->topo;
	struct cpuset sib, shared, whole;
	char buf[256];
	int cpu;

	if (check_need_isolated(c, r))
		return;
	if (!t) {
		check_set(r, CHECK_SKIP, "no topology: %s", c->f->topo_error);
		return;
	}
	ev_bool(r, "smt", t->smt);
	cpuset_zero(&shared);
	whole = *c->isolated;
	cpuset_for_each(cpu, c->isolated)
	{
		topo_siblings(t, cpu, &sib);
		if (cpuset_intersects(&sib, c->housekeeping))
			cpuset_set(&shared, cpu);
		cpuset_or(&whole, &whole, &sib);
	}
	ev_cpus(r, "sharing_core_with_housekeeping", &shared);
	if (cpuset_empty(&shared)) {
		check_set(r, CHECK_PASS, t->smt ? "isolated CPUs own whole cores" : "no SMT");
		return;
	}
	check_set(r, CHECK_WARN, "isolated CPU(s) %s share a core with housekeeping CPUs",
		  cpus_str(&shared, buf, sizeof(buf)));
	check_remedy(r, "isolate whole cores: nohz_full=%s isolcpus=managed_irq,domain,%s",
		     cpus_str(&whole, buf, sizeof(buf)), buf);
}

/* Each NUMA node with isolated CPUs needs a housekeeping CPU for its kthreads and IRQs. */
static void chk_numa(struct check_ctx *c, struct check_result *r)
{
	const struct topology *t = c->f->topo;
	char nodes[128] = "";
	int bad = 0, last = -1;

	if (check_need_isolated(c, r))
		return;
	if (!t || !t->nr_nodes) {
		check_set(r, CHECK_SKIP, "no NUMA information in sysfs");
		return;
	}
	ev_int(r, "nodes", t->nr_nodes);
	for (int n = 0; n < t->nr_nodes; n++) {
		if (!cpuset_intersects(&t->node_cpus[n], c->isolated) ||
		    cpuset_intersects(&t->node_cpus[n], c->housekeeping))
			continue;
		bad++;
		last = n;
		list_add_int(nodes, sizeof(nodes), n);
	}
	ev_str(r, "nodes_without_housekeeping", nodes);
	if (!bad) {
		check_set(r, CHECK_PASS, "every node with isolated CPUs has a housekeeping CPU");
		return;
	}
	check_set(r, CHECK_WARN, "node(s) %s have isolated CPUs and no housekeeping CPU", nodes);
	check_remedy(r, "keep at least one CPU of node %d out of the isolated set (e.g. CPU %d)",
		     last, cpuset_next(&t->node_cpus[last], 0));
}

const struct check_def check_defs_runtime[] = {
	{"irq.affinity", chk_irq_affinity, false},
	{"irq.default_affinity", chk_default_affinity, false},
	{"workqueue.cpumask", chk_workqueue, false},
	{"kthread.affinity", chk_kthreads, false},
	{"sysctl.watchdog_cpumask", chk_watchdog, false},
	{"smt.siblings", chk_smt, false},
	{"numa.housekeeping", chk_numa, false},
	{"irqbalance", check_irqbalance, false},
	{NULL, NULL, false},
};
