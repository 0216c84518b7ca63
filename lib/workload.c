// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Matching processes against the workload rules and applying a rule to
 * every thread of a process.
 */
#include "config.h"

#include <errno.h>
#include <numa.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "workload.h"

/* Turn the NUL-separated argv of /proc/PID/cmdline into one line for regexes. */
static void wl_join_cmdline(const struct tl_buf *b, char *out, size_t outsz)
{
	size_t n = b->len < outsz - 1 ? b->len : outsz - 1;

	memcpy(out, b->data, n);
	out[n] = '\0';
	while (n > 0 && out[n - 1] == '\0')
		n--;
	for (size_t i = 0; i < n; i++)
		if (out[i] == '\0')
			out[i] = ' ';
}

/* The "0::/path" line is the cgroup v2 membership; v1 lines are ignored. */
static void wl_cgroup_v2(const char *text, char *out, size_t outsz)
{
	const char *l = text;

	out[0] = '\0';
	while (l && *l) {
		if (!strncmp(l, "0::", 3)) {
			snprintf(out, outsz, "%.*s", (int)strcspn(l + 3, "\n"), l + 3);
			return;
		}
		l = strchr(l, '\n');
		l = l ? l + 1 : NULL;
	}
}

void wl_unit_from_cgroup(const char *cgroup, char *out, size_t outsz)
{
	const char *c = cgroup;

	out[0] = '\0';
	while (c && *c) {
		size_t n;

		while (*c == '/')
			c++;
		n = strcspn(c, "/");
		if ((n > 8 && !strncmp(c + n - 8, ".service", 8)) ||
		    (n > 6 && !strncmp(c + n - 6, ".scope", 6)))
			snprintf(out, outsz, "%.*s", (int)n, c);
		c += n;
	}
}

/* Read /proc/PID/<name> into b; a vanished process gives -ENOENT. */
static int wl_read(const struct tl_path *p, pid_t pid, const char *name, struct tl_buf *b,
		   struct tl_err *e)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	return tl_path_read_buf(p, path, b, e);
}

unsigned int wl_rules_need(const struct workload_rules *r)
{
	unsigned int need = 0;

	for (int i = 0; i < r->n; i++)
		need |= 1u << r->rules[i].kind;
	return need;
}

int wl_proc_read(const struct tl_path *p, pid_t pid, unsigned int need, struct wl_proc *out,
		 struct tl_err *e)
{
	struct tl_buf b = {0};
	int r;

	memset(out, 0, sizeof(*out));
	out->pid = pid;
	r = wl_read(p, pid, "comm", &b, e);
	if (r < 0)
		goto out;
	snprintf(out->comm, sizeof(out->comm), "%.*s", (int)strcspn(b.data, "\n"), b.data);
	r = wl_read(p, pid, "cmdline", &b, e);
	if (r < 0)
		goto out;
	wl_join_cmdline(&b, out->cmdline, sizeof(out->cmdline));
	out->kthread = b.len == 0;
	if (need & ((1u << WL_MATCH_CGROUP) | (1u << WL_MATCH_UNIT))) {
		r = wl_read(p, pid, "cgroup", &b, e);
		if (r < 0)
			goto out;
		wl_cgroup_v2(b.data, out->cgroup, sizeof(out->cgroup));
		wl_unit_from_cgroup(out->cgroup, out->unit, sizeof(out->unit));
	}
out:
	tl_buf_free(&b);
	return r < 0 ? r : 0;
}

/* A cgroup prefix matches whole path components: /a/b matches /a/b/c, not /a/bc. */
static bool wl_cgroup_prefix(const char *prefix, const char *cgroup)
{
	size_t n = strlen(prefix);

	while (n > 1 && prefix[n - 1] == '/')
		n--;
	if (strncmp(prefix, cgroup, n))
		return false;
	return cgroup[n] == '\0' || cgroup[n] == '/' || n == 1;
}

/* Does one rule match the process? */
static bool wl_rule_matches(const struct workload_rule *r, const struct wl_proc *proc)
{
	switch (r->kind) {
	case WL_MATCH_COMM:
		return regexec(&r->re, proc->comm, 0, NULL, 0) == 0;
	case WL_MATCH_CMDLINE:
		return regexec(&r->re, proc->cmdline, 0, NULL, 0) == 0;
	case WL_MATCH_CGROUP:
		return proc->cgroup[0] && wl_cgroup_prefix(r->pattern, proc->cgroup);
	case WL_MATCH_UNIT:
		return !strcmp(r->pattern, proc->unit);
	}
	return false;
}

int wl_match(const struct workload_rules *r, const struct wl_proc *proc)
{
	if (proc->kthread)
		return -1;
	for (int i = 0; i < r->n; i++)
		if (wl_rule_matches(&r->rules[i], proc))
			return i;
	return -1;
}

void wl_thread_cpus(const struct workload_rule *r, int i, struct cpuset *out)
{
	int n = cpuset_count(&r->cpus), cpu, k = 0;

	if (r->threads == WL_THREADS_ALL || n == 0) {
		*out = r->cpus;
		return;
	}
	cpuset_zero(out);
	i %= n;
	cpuset_for_each(cpu, &r->cpus) if (k++ == i)
	{
		cpuset_set(out, cpu);
		return;
	}
}

void wl_rule_nodes(const struct workload_rule *r, const int *node_of, int nr_cpus,
		   const struct cpuset *all_nodes, struct cpuset *out)
{
	int cpu;

	cpuset_zero(out);
	switch (r->numa) {
	case WL_NUMA_NONE:
		return;
	case WL_NUMA_NODE:
		cpuset_set(out, r->node);
		return;
	case WL_NUMA_INTERLEAVE:
		*out = *all_nodes;
		return;
	case WL_NUMA_LOCAL:
		cpuset_for_each(cpu, &r->cpus) if (cpu < nr_cpus && node_of[cpu] >= 0)
			cpuset_set(out, node_of[cpu]);
		return;
	}
}

/* sched_setaffinity on one thread id. */
static int sys_set_affinity(void *ctx, pid_t tid, const struct cpuset *cpus)
{
	size_t size = CPU_ALLOC_SIZE(TL_MAX_CPUS);
	cpu_set_t *set = CPU_ALLOC(TL_MAX_CPUS);
	int r;

	if (!set)
		return -ENOMEM;
	cpuset_to_glibc(cpus, set, size);
	r = sched_setaffinity(tid, size, set) ? -errno : 0;
	CPU_FREE(set);
	return r;
}

/* sched_setscheduler on one thread id (Linux applies it per thread). */
static int sys_set_sched(void *ctx, pid_t tid, int policy, int priority)
{
	struct sched_param sp = {.sched_priority = priority};

	return sched_setscheduler(tid, policy, &sp) ? -errno : 0;
}

/* migrate_pages(2), through libnuma, from every node to the target nodes. */
static int sys_migrate(void *ctx, pid_t pid, const struct cpuset *to)
{
	struct bitmask *dst;
	int node, r;

	if (numa_available() < 0)
		return -ENOSYS;
	dst = numa_allocate_nodemask();
	if (!dst)
		return -ENOMEM;
	cpuset_for_each(node, to) if ((unsigned long)node < dst->size)
		numa_bitmask_setbit(dst, (unsigned int)node);
	r = numa_migrate_pages(pid, numa_all_nodes_ptr, dst) < 0 ? -errno : 0;
	numa_bitmask_free(dst);
	return r;
}

const struct wl_ops wl_sys_ops = {
	.set_affinity = sys_set_affinity,
	.set_sched = sys_set_sched,
	.migrate = sys_migrate,
};

/* Sort thread ids: "spread" assigns CPUs in tid order. */
static int wl_cmp_tid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* The thread ids of pid, sorted; at most max. */
static int wl_list_tids(const struct tl_path *p, pid_t pid, pid_t *tids, int max, struct tl_err *e)
{
	struct dirent *de;
	char path[64];
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = tl_path_opendir(p, path);
	if (!d)
		return tl_err_sys(e, errno, "cannot list %s", path);
	while ((de = readdir(d)) && n < max)
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9')
			tids[n++] = (pid_t)atoi(de->d_name);
	closedir(d);
	qsort(tids, (size_t)n, sizeof(*tids), wl_cmp_tid);
	return n;
}

/* The policy number for sched_setscheduler. */
static int wl_sched_policy(enum wl_policy p)
{
	return p == WL_POLICY_FIFO ? SCHED_FIFO : p == WL_POLICY_RR ? SCHED_RR : SCHED_OTHER;
}

/* Keep the first failure with its cause, for status. */
static void wl_note(struct wl_applied *a, int err, const char *what, pid_t tid)
{
	if (a->err)
		return;
	a->err = err;
	snprintf(a->errmsg, sizeof(a->errmsg), "%s of thread %d: %s", what, (int)tid,
		 strerror(err));
}

/* Was tid set up by an earlier apply (without failing)? */
static bool wl_known(const struct wl_thread *old, int nold, pid_t tid)
{
	for (int i = 0; i < nold; i++)
		if (old[i].tid == tid)
			return !old[i].err;
	return false;
}

/*
 * Set up one thread: its planned CPUs and the policy. A thread set up before
 * is left alone while it stays within the rule's CPUs (the program may pin
 * its own threads there, and keeps its own priorities); one that left them
 * is brought back. A thread that exited meanwhile (ESRCH) is not a failure.
 */
static int wl_apply_thread(const struct tl_path *p, const struct wl_ops *ops,
			   const struct workload_rule *r, pid_t pid, bool known,
			   struct wl_thread *t, struct wl_applied *a)
{
	struct task_info ti;
	int changed = 0, rc;

	if (procs_read_task(p, pid, t->tid, &ti, NULL) < 0)
		return 0;
	if (known && !cpuset_empty(&ti.allowed) && cpuset_subset(&ti.allowed, &r->cpus)) {
		t->cpus = ti.allowed;
		return 0;
	}
	if (!cpuset_equal(&ti.allowed, &t->cpus)) {
		rc = ops->set_affinity(ops->ctx, t->tid, &t->cpus);
		if (rc < 0 && rc != -ESRCH)
			wl_note(a, t->err = -rc, "affinity", t->tid);
		changed = rc == 0;
	}
	if (!known && r->policy != WL_POLICY_KEEP &&
	    (ti.policy != wl_sched_policy(r->policy) || ti.rt_priority != r->priority)) {
		rc = ops->set_sched(ops->ctx, t->tid, wl_sched_policy(r->policy), r->priority);
		if (rc < 0 && rc != -ESRCH)
			wl_note(a, t->err = -rc, "scheduling policy", t->tid);
		changed |= rc == 0;
	}
	return changed;
}

/* A new thread table: the current tids and their planned CPUs (the old one stays in a). */
static int wl_plan(const struct tl_path *p, const struct workload_rule *r, pid_t pid,
		   struct wl_thread **out, struct tl_err *e)
{
	pid_t *tids = calloc(WL_THREADS_MAX, sizeof(*tids));
	int n;

	if (!tids)
		return tl_err_set(e, ENOMEM, "out of memory");
	n = wl_list_tids(p, pid, tids, WL_THREADS_MAX, e);
	if (n >= 0)
		*out = calloc((size_t)n + 1, sizeof(**out));
	if (n >= 0 && !*out)
		n = tl_err_set(e, ENOMEM, "out of memory");
	for (int i = 0; i < n; i++) {
		(*out)[i].tid = tids[i];
		wl_thread_cpus(r, i, &(*out)[i].cpus);
	}
	free(tids);
	return n;
}

/* Move the pages once per process, when the rule names nodes. */
static void wl_migrate(const struct wl_ops *ops, const struct cpuset *nodes, struct wl_applied *a)
{
	int rc;

	if (!nodes || cpuset_empty(nodes) || a->migrated)
		return;
	a->nodes = *nodes;
	rc = ops->migrate(ops->ctx, a->pid, nodes);
	if (rc < 0 && rc != -ESRCH)
		wl_note(a, -rc, "migrate_pages", a->pid);
	a->migrated = rc == 0;
}

int wl_apply(const struct tl_path *p, const struct wl_ops *ops, const struct workload_rules *rules,
	     int rule, pid_t pid, const struct cpuset *nodes, struct wl_applied *a,
	     struct tl_err *e)
{
	const struct workload_rule *r = &rules->rules[rule];
	struct wl_thread *threads = NULL;
	int changed = 0, n;

	if (a->pid != pid || a->rule != rule) {
		wl_applied_free(a);
		a->pid = pid;
		a->rule = rule;
	}
	n = wl_plan(p, r, pid, &threads, e);
	if (n < 0)
		return n;
	a->err = 0;
	a->errmsg[0] = '\0';
	for (int i = 0; i < n; i++)
		changed += wl_apply_thread(p, ops, r, pid,
					   wl_known(a->threads, a->nthreads, threads[i].tid),
					   &threads[i], a);
	free(a->threads);
	a->threads = threads;
	a->nthreads = n;
	wl_migrate(ops, nodes, a);
	return changed;
}

void wl_applied_free(struct wl_applied *a)
{
	free(a->threads);
	memset(a, 0, sizeof(*a));
}
