// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The workload engine: keeps the rules applied to the processes they match,
 * from events or scans, and spots intruders on the isolated CPUs.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "workload-engine.h"

const char *wl_finding_kind_name(enum wl_finding_kind k)
{
	return k == WL_FINDING_INTRUDER ? "intruder" : "apply_failed";
}

/* Under a sysroot the engine only records what it would do. */
static int dry_affinity(void *ctx, pid_t tid, const struct cpuset *cpus)
{
	return 0;
}

/* Dry run of the scheduling policy change. */
static int dry_sched(void *ctx, pid_t tid, int policy, int priority)
{
	return 0;
}

/* Dry run of the page migration. */
static int dry_migrate(void *ctx, pid_t pid, const struct cpuset *to)
{
	return 0;
}

static const struct wl_ops dry_ops = {
	.set_affinity = dry_affinity,
	.set_sched = dry_sched,
	.migrate = dry_migrate,
};

int workload_engine_init(struct workload_engine *w, const struct workload_rules *rules,
			 const struct tl_path *p, const struct cpuset *isolated, struct tl_err *e)
{
	struct tl_err pe_err;

	memset(w, 0, sizeof(*w));
	w->rules = rules;
	w->path = p;
	w->isolated = *isolated;
	w->ops = p->live ? wl_sys_ops : dry_ops;
	w->self = getpid();
	w->need = wl_rules_need(rules);
	w->pe.fd = -1;
	if (rules->n == 0)
		snprintf(w->pe_error, sizeof(w->pe_error), "no workload rules");
	else if (!p->live)
		snprintf(w->pe_error, sizeof(w->pe_error), "sysroot: scanning only");
	else if (procevents_open(&w->pe, &pe_err) < 0)
		snprintf(w->pe_error, sizeof(w->pe_error), "%.127s", pe_err.msg);
	return 0;
}

void workload_engine_set_topology(struct workload_engine *w, const struct topology *t)
{
	w->topo = t;
}

void workload_engine_set_ops(struct workload_engine *w, const struct wl_ops *ops)
{
	w->ops = *ops;
}

int workload_engine_fd(const struct workload_engine *w)
{
	return w->pe.fd;
}

/* Add a finding unless the table is full (then count it). */
static struct wl_finding *wl_finding_add(struct wl_findings *out, enum wl_finding_kind kind)
{
	struct wl_finding *f;

	if (!out)
		return NULL;
	if (out->n >= WL_FINDINGS_MAX) {
		out->dropped++;
		return NULL;
	}
	f = &out->items[out->n++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->cpu = -1;
	return f;
}

/* The record of pid, or NULL. Few workloads: a linear search is enough. */
static struct wl_applied *wl_rec_find(struct workload_engine *w, pid_t pid)
{
	for (int i = 0; i < w->nrecs; i++)
		if (w->recs[i].pid == pid)
			return &w->recs[i];
	return NULL;
}

/* A new, zeroed record for pid. */
static struct wl_applied *wl_rec_add(struct workload_engine *w, pid_t pid)
{
	if (w->nrecs == w->caprecs) {
		int cap = w->caprecs ? 2 * w->caprecs : 16;
		struct wl_applied *n = realloc(w->recs, (size_t)cap * sizeof(*n));

		if (!n)
			return NULL;
		w->recs = n;
		w->caprecs = cap;
	}
	memset(&w->recs[w->nrecs], 0, sizeof(w->recs[0]));
	w->recs[w->nrecs].pid = pid;
	return &w->recs[w->nrecs++];
}

/* Forget a record (the process exited or no longer matches). */
static void wl_rec_drop(struct workload_engine *w, struct wl_applied *a)
{
	wl_applied_free(a);
	*a = w->recs[--w->nrecs];
}

/* The target nodes of a rule, from the topology when the rule says "local". */
static void wl_engine_nodes(const struct workload_engine *w, const struct workload_rule *r,
			    struct cpuset *out)
{
	struct cpuset all;

	cpuset_zero(&all);
	if (!w->topo) {
		cpuset_zero(out);
		if (r->numa == WL_NUMA_NODE)
			cpuset_set(out, r->node);
		return;
	}
	for (int n = 0; n < w->topo->nr_nodes && n < TL_MAX_NODES; n++)
		if (!cpuset_empty(&w->topo->node_cpus[n]))
			cpuset_set(&all, n);
	wl_rule_nodes(r, w->topo->node_of, w->topo->nr_cpus, &all, out);
}

/* Report a rule that could not be applied, naming the process and the cause. */
static void wl_report_failure(const struct workload_engine *w, const struct wl_applied *a,
			      struct wl_findings *out)
{
	struct wl_finding *f = wl_finding_add(out, WL_FINDING_APPLY_FAILED);

	if (!f)
		return;
	f->pid = f->tid = a->pid;
	snprintf(f->comm, sizeof(f->comm), "%s", a->comm);
	snprintf(f->rule, sizeof(f->rule), "%s", w->rules->rules[a->rule].name);
	snprintf(f->msg, sizeof(f->msg), "%s", a->errmsg);
}

/* Apply the matching rule to pid and keep the record; a numa rule without topology fails. */
static void wl_engine_apply(struct workload_engine *w, struct wl_applied *a,
			    struct wl_findings *out)
{
	const struct workload_rule *r = &w->rules->rules[a->rule];
	struct cpuset nodes;
	struct tl_err e;
	int n;

	wl_engine_nodes(w, r, &nodes);
	n = wl_apply(w->path, &w->ops, w->rules, a->rule, a->pid, &nodes, a, &e);
	a->stamp = w->ticks;
	if (n > 0)
		w->applied++;
	if (n >= 0 && r->numa == WL_NUMA_LOCAL && cpuset_empty(&nodes) && !a->err) {
		a->err = ENODATA;
		snprintf(a->errmsg, sizeof(a->errmsg),
			 "numa \"local\": the NUMA node of CPUs is unknown");
	}
	if (a->err)
		wl_report_failure(w, a, out);
}

/*
 * Look at one process: apply the first matching rule, or drop a record whose
 * process no longer matches (after an exec) without undoing anything.
 */
static void wl_examine(struct workload_engine *w, pid_t pid, struct wl_findings *out)
{
	struct wl_applied *a = wl_rec_find(w, pid);
	struct wl_proc proc;
	int rule;

	if (pid == w->self || pid <= 0)
		return;
	if (wl_proc_read(w->path, pid, w->need, &proc, NULL) < 0) {
		if (a)
			wl_rec_drop(w, a);
		return;
	}
	rule = wl_match(w->rules, &proc);
	if (rule < 0) {
		if (a)
			wl_rec_drop(w, a);
		return;
	}
	if (!a)
		a = wl_rec_add(w, pid);
	if (!a)
		return;
	if (a->rule != rule)
		a->migrated = false;
	a->rule = rule;
	snprintf(a->comm, sizeof(a->comm), "%s", proc.comm);
	wl_engine_apply(w, a, out);
}

/* Queue a pid for examination once, however many events name it. */
static void wl_pending_add(struct workload_engine *w, pid_t pid)
{
	for (int i = 0; i < w->npending; i++)
		if (w->pending[i] == pid)
			return;
	if (w->npending == w->cappending) {
		int cap = w->cappending ? 2 * w->cappending : 64;
		pid_t *n = realloc(w->pending, (size_t)cap * sizeof(*n));

		if (!n)
			return;
		w->pending = n;
		w->cappending = cap;
	}
	w->pending[w->npending++] = pid;
}

/*
 * Which events matter: a new process or an exec (it may now match), a new
 * thread or a rename of a workload (its layout must follow), a process
 * renaming itself (comm rules).
 */
static void wl_on_event(const struct procevent *ev, void *arg)
{
	struct workload_engine *w = arg;
	bool known = wl_rec_find(w, ev->pid) != NULL;

	w->events++;
	if (ev->kind == PROCEVENT_EXEC || known || ev->pid == ev->tid)
		wl_pending_add(w, ev->pid);
}

/* Examine every pid the events named. */
static void wl_drain_pending(struct workload_engine *w, struct wl_findings *out)
{
	for (int i = 0; i < w->npending; i++)
		wl_examine(w, w->pending[i], out);
	w->npending = 0;
}

int workload_engine_on_readable(struct workload_engine *w, struct wl_findings *out,
				struct tl_err *e)
{
	int r = procevents_read(&w->pe, wl_on_event, w, e);

	wl_drain_pending(w, out);
	return r < 0 ? r : 0;
}

/* Is the task a busy one on (or bound to) an isolated CPU? */
static bool wl_is_intruder(const struct workload_engine *w, const struct task_info *t)
{
	if (t->state != 'R' || task_is_kthread(t) || t->pid == w->self)
		return false;
	if (t->processor >= 0 && cpuset_isset(&w->isolated, t->processor))
		return true;
	return !cpuset_empty(&t->allowed) && cpuset_subset(&t->allowed, &w->isolated);
}

/* A thread of a workload is new, or has left the rule's CPUs. */
static bool wl_drifted(const struct workload_engine *w, const struct wl_applied *a,
		       const struct task_info *t)
{
	const struct cpuset *cpus = &w->rules->rules[a->rule].cpus;

	for (int i = 0; i < a->nthreads; i++)
		if (a->threads[i].tid == t->tid)
			return !a->threads[i].err && !cpuset_subset(&t->allowed, cpus);
	return true;
}

struct wl_walk {
	struct workload_engine *w;
	struct wl_findings *out;
};

/* Visitor of the leader walk: examine every process right away (no queue: O(n)). */
static int wl_scan_visit(const struct task_info *t, void *arg)
{
	struct wl_walk *k = arg;

	if (!task_is_kthread(t))
		wl_examine(k->w, t->pid, k->out);
	return 0;
}

/* Visitor of the thread walk: drift of workloads, and intruders. */
static int wl_thread_visit(const struct task_info *t, void *arg)
{
	struct wl_walk *k = arg;
	struct wl_applied *a = wl_rec_find(k->w, t->pid);
	struct wl_finding *f;

	if (a) {
		/* Just applied in this tick: what the walk read may predate it. */
		if (a->stamp != k->w->ticks && wl_drifted(k->w, a, t))
			wl_pending_add(k->w, t->pid);
		return 0;
	}
	if (!wl_is_intruder(k->w, t))
		return 0;
	f = wl_finding_add(k->out, WL_FINDING_INTRUDER);
	if (!f)
		return 0;
	f->pid = t->pid;
	f->tid = t->tid;
	f->cpu = cpuset_isset(&k->w->isolated, t->processor) ? t->processor
							     : cpuset_next(&t->allowed, 0);
	snprintf(f->comm, sizeof(f->comm), "%s", t->comm);
	snprintf(f->msg, sizeof(f->msg), "%s (pid %d) runs on isolated CPU %d and is in no rule",
		 t->comm, (int)t->pid, f->cpu);
	return 0;
}

/* Forget processes that exited, so a reused pid starts afresh. */
static void wl_prune(struct workload_engine *w)
{
	char path[32];

	for (int i = 0; i < w->nrecs;) {
		snprintf(path, sizeof(path), "/proc/%d", (int)w->recs[i].pid);
		if (tl_path_exists(w->path, path))
			i++;
		else
			wl_rec_drop(w, &w->recs[i]);
	}
}

/* Scanning is needed until events are confirmed to flow, and after any loss. */
static bool wl_need_scan(struct workload_engine *w)
{
	bool lost = w->pe.lost != w->pe_lost_seen;

	w->pe_lost_seen = w->pe.lost;
	return w->rules->n > 0 && (!w->scanned || w->pe.fd < 0 || !w->pe.confirmed || lost);
}

int workload_engine_tick(struct workload_engine *w, struct wl_findings *out, struct tl_err *e)
{
	struct wl_walk k = {w, out};
	int r = 0;

	w->ticks++;
	if (w->pe.fd >= 0)
		(void)procevents_read(&w->pe, wl_on_event, w, NULL);
	wl_prune(w);
	if (wl_need_scan(w)) {
		r = procs_walk(w->path, false, wl_scan_visit, &k, e);
		w->scanned = r >= 0;
	}
	wl_drain_pending(w, out);
	if (r >= 0 && (w->nrecs > 0 || !cpuset_empty(&w->isolated)))
		r = procs_walk(w->path, true, wl_thread_visit, &k, e);
	wl_drain_pending(w, out);
	return r < 0 ? r : 0;
}

/* A cpulist as a JSON string. */
static struct json_object *wl_json_cpus(const struct cpuset *s)
{
	char buf[1024];

	if (cpulist_format(s, buf, sizeof(buf)) < 0)
		snprintf(buf, sizeof(buf), "?");
	return json_object_new_string(buf);
}

/* One workload: what rule, what process, and where each thread was put. */
static struct json_object *wl_json_record(const struct workload_engine *w,
					  const struct wl_applied *a)
{
	const struct workload_rule *r = &w->rules->rules[a->rule];
	struct json_object *o = json_object_new_object(), *th = json_object_new_array();

	json_object_object_add(o, "rule", json_object_new_string(r->name));
	json_object_object_add(o, "pid", json_object_new_int(a->pid));
	json_object_object_add(o, "comm", json_object_new_string(a->comm));
	json_object_object_add(o, "cpus", wl_json_cpus(&r->cpus));
	json_object_object_add(o, "threads_layout",
			       json_object_new_string(wl_threads_name(r->threads)));
	json_object_object_add(o, "policy", json_object_new_string(wl_policy_name(r->policy)));
	json_object_object_add(o, "priority", json_object_new_int(r->priority));
	json_object_object_add(o, "numa", json_object_new_string(wl_numa_name(r->numa)));
	if (r->numa != WL_NUMA_NONE)
		json_object_object_add(o, "nodes", wl_json_cpus(&a->nodes));
	for (int i = 0; i < a->nthreads; i++) {
		struct json_object *t = json_object_new_object();

		json_object_object_add(t, "tid", json_object_new_int(a->threads[i].tid));
		json_object_object_add(t, "cpus", wl_json_cpus(&a->threads[i].cpus));
		json_object_array_add(th, t);
	}
	json_object_object_add(o, "threads", th);
	json_object_object_add(o, "error", a->err ? json_object_new_string(a->errmsg) : NULL);
	return o;
}

struct json_object *workload_engine_status_json(const struct workload_engine *w)
{
	struct json_object *o = json_object_new_object(), *arr = json_object_new_array();
	const char *mode = w->rules->n == 0		      ? "off"
			   : w->pe.fd >= 0 && w->pe.confirmed ? "events"
							      : "scan";

	json_object_object_add(o, "mode", json_object_new_string(mode));
	if (w->pe_error[0])
		json_object_object_add(o, "mode_reason", json_object_new_string(w->pe_error));
	else if (w->pe.ack_err)
		json_object_object_add(o, "mode_reason",
				       json_object_new_string(strerror(w->pe.ack_err)));
	json_object_object_add(o, "rules", json_object_new_int(w->rules->n));
	json_object_object_add(o, "events", json_object_new_int64((int64_t)w->events));
	for (int i = 0; i < w->nrecs; i++)
		json_object_array_add(arr, wl_json_record(w, &w->recs[i]));
	json_object_object_add(o, "workloads", arr);
	return o;
}

void workload_engine_free(struct workload_engine *w)
{
	procevents_close(&w->pe);
	for (int i = 0; i < w->nrecs; i++)
		wl_applied_free(&w->recs[i]);
	free(w->recs);
	free(w->pending);
	w->recs = NULL;
	w->pending = NULL;
	w->nrecs = w->npending = 0;
}
