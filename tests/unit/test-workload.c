// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Workloads on a fixture /proc tree: matching by comm, cmdline, cgroup and
 * unit; the spread layout; applying through a recorder; the engine's
 * records, intruders and status; and decoding of proc connector messages.
 */
#include "config.h"

#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "procevents.h"
#include "workload-engine.h"
#include "workload.h"

struct fixture {
	char dir[64];
	struct tl_path p;
	config_t cfg;
	struct workload_rules rules;
};

/* Write dir/rel (n bytes, may hold NULs), creating the parent directories. */
static void put(const char *dir, const char *rel, const char *text, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (char *s = strchr(path + strlen(dir) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, n, f), n);
	fclose(f);
}

/* One thread in the fixture: stat (state, flags, CPU, policy) and status (allowed CPUs). */
static void put_task_sched(const char *dir, int pid, int tid, const char *comm, char state,
			   unsigned int flags, int cpu, const char *allowed, int prio, int policy)
{
	char rel[128], text[512];

	snprintf(rel, sizeof(rel), "proc/%d/task/%d/stat", pid, tid);
	snprintf(text, sizeof(text),
		 "%d (%s) %c 1 %d %d 0 -1 %u 0 0 0 0 0 0 0 0 20 0 1 0 9 0 0 0 0 0 0 0 0 0 0 0 0 "
		 "0 0 0 17 %d %d %d 0 0 0 0 0 0 0 0 0 0 0\n",
		 tid, comm, state, pid, pid, flags, cpu, prio, policy);
	put(dir, rel, text, strlen(text));
	snprintf(rel, sizeof(rel), "proc/%d/task/%d/status", pid, tid);
	snprintf(text, sizeof(text), "Name:\t%s\nTgid:\t%d\nPid:\t%d\nCpus_allowed_list:\t%s\n",
		 comm, pid, tid, allowed);
	put(dir, rel, text, strlen(text));
}

/* A thread under SCHED_OTHER. */
static void put_task(const char *dir, int pid, int tid, const char *comm, char state,
		     unsigned int flags, int cpu, const char *allowed)
{
	put_task_sched(dir, pid, tid, comm, state, flags, cpu, allowed, 0, 0);
}

/* put_proc with the length of a literal command line (NULs included, final NUL not). */
#define PUT_PROC(dir, pid, comm, cmd, cg) put_proc(dir, pid, comm, cmd, sizeof(cmd) - 1, cg)

/* A process: comm, cmdline (NUL-separated, length given), cgroup v2 path. */
static void put_proc(const char *dir, int pid, const char *comm, const char *cmdline, size_t cmdlen,
		     const char *cgroup)
{
	char rel[128], text[512];

	snprintf(rel, sizeof(rel), "proc/%d/comm", pid);
	snprintf(text, sizeof(text), "%s\n", comm);
	put(dir, rel, text, strlen(text));
	snprintf(rel, sizeof(rel), "proc/%d/cmdline", pid);
	put(dir, rel, cmdline, cmdlen);
	snprintf(rel, sizeof(rel), "proc/%d/cgroup", pid);
	snprintf(text, sizeof(text), "0::%s\n", cgroup);
	put(dir, rel, text, strlen(text));
}

static const char *rules_text =
	"workloads = (\n"
	"  { name = \"md\"; match = { comm = \"^md-\"; }; cpus = \"2-3\"; threads = \"spread\";\n"
	"    policy = \"fifo\"; priority = 10; numa = \"local\"; },\n"
	"  { name = \"risk\"; match = { cmdline = \"-jar risk\\\\.jar\"; }; cpus = \"3\"; },\n"
	"  { name = \"trader\"; match = { unit = \"trader.service\"; }; cpus = \"2\"; },\n"
	"  { name = \"batch\"; match = { cgroup = \"/batch.slice\"; }; cpus = \"3\"; },\n"
	"  { name = \"ksoft\"; match = { comm = \"ksoftirqd\"; }; cpus = \"3\"; }\n"
	");\n";

/*
 * The fixture: md-feed (4 threads, one busy on CPU 2), a java risk engine, a
 * trader in a service's sub-cgroup, a batch job in /batch.slice2 (a prefix
 * that must not match), a busy bash bound to CPU 3 (intruder), a sleeping
 * task on CPU 2 (not busy), a busy ksoftirqd/3 (kthread: expected).
 */
static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct conf_problems probs = {0};
	struct tl_err e;

	strcpy(fx->dir, "/tmp/tlbiso-wl-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	PUT_PROC(fx->dir, 100, "md-feed",
		 "md-feed\0--port\0"
		 "9\0",
		 "/system.slice/md.service");
	put_task(fx->dir, 100, 100, "md-feed", 'S', 0x400000, 0, "0-3");
	put_task(fx->dir, 100, 103, "md-io", 'S', 0x400040, 1, "0-3");
	put_task(fx->dir, 100, 101, "md-rx", 'R', 0x400040, 2, "0-3");
	put_task(fx->dir, 100, 102, "md-tx", 'S', 0x400040, 0, "0-3");
	PUT_PROC(fx->dir, 200, "bash", "bash\0", "/user.slice/user-0.slice/session-1.scope");
	put_task(fx->dir, 200, 200, "bash", 'R', 0x400000, 3, "3");
	PUT_PROC(fx->dir, 300, "sleeper", "sleeper\0", "/user.slice");
	put_task(fx->dir, 300, 300, "sleeper", 'S', 0x400000, 2, "2");
	PUT_PROC(fx->dir, 40, "ksoftirqd/3", "", "/");
	put_task(fx->dir, 40, 40, "ksoftirqd/3", 'R', 0x04208040, 3, "3");
	PUT_PROC(fx->dir, 500, "trader", "/usr/bin/trader\0-c\0t.conf\0",
		 "/system.slice/trader.service/worker");
	put_task(fx->dir, 500, 500, "trader", 'S', 0x400000, 0, "0-1");
	PUT_PROC(fx->dir, 600, "java", "java\0-jar\0risk.jar\0", "/system.slice/risk.service");
	put_task(fx->dir, 600, 600, "java", 'S', 0x400000, 0, "3");
	PUT_PROC(fx->dir, 700, "job", "job\0", "/batch.slice2/job.scope");
	put_task(fx->dir, 700, 700, "job", 'S', 0x400000, 1, "0-1");
	PUT_PROC(fx->dir, 701, "job2", "job2\0", "/batch.slice/job2.scope");
	put_task(fx->dir, 701, 701, "job2", 'S', 0x400000, 1, "0-1");
	assert_int_equal(tl_path_init(&fx->p, fx->dir, &e), 0);
	config_init(&fx->cfg);
	assert_int_equal(config_read_string(&fx->cfg, rules_text), CONFIG_TRUE);
	assert_int_equal(
		workload_conf_parse(config_lookup(&fx->cfg, "workloads"), &fx->rules, &probs), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	workload_rules_free(&fx->rules);
	config_destroy(&fx->cfg);
	tl_path_fini(&fx->p);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

/* Recorder ops: what applying would have done, in order. */
struct call {
	char what;
	pid_t id;
	struct cpuset cpus;
	int policy, prio;
};

struct recorder {
	int n;
	struct call calls[64];
};

static int rec_affinity(void *ctx, pid_t tid, const struct cpuset *cpus)
{
	struct recorder *r = ctx;

	assert_true(r->n < 64);
	r->calls[r->n++] = (struct call){.what = 'a', .id = tid, .cpus = *cpus};
	return 0;
}

static int rec_sched(void *ctx, pid_t tid, int policy, int prio)
{
	struct recorder *r = ctx;

	assert_true(r->n < 64);
	r->calls[r->n++] = (struct call){.what = 's', .id = tid, .policy = policy, .prio = prio};
	return 0;
}

static int rec_migrate(void *ctx, pid_t pid, const struct cpuset *to)
{
	struct recorder *r = ctx;

	assert_true(r->n < 64);
	r->calls[r->n++] = (struct call){.what = 'm', .id = pid, .cpus = *to};
	return 0;
}

static struct cpuset cpus(const char *list)
{
	struct cpuset s;
	struct tl_err e;

	assert_int_equal(cpulist_parse(list, &s, &e), 0);
	return s;
}

static void test_unit_from_cgroup(void **state)
{
	char u[64];

	wl_unit_from_cgroup("/system.slice/trader.service/worker", u, sizeof(u));
	assert_string_equal(u, "trader.service");
	wl_unit_from_cgroup("/user.slice/user-0.slice/session-1.scope", u, sizeof(u));
	assert_string_equal(u, "session-1.scope");
	wl_unit_from_cgroup("/system.slice/a.service/b.scope/x", u, sizeof(u));
	assert_string_equal(u, "b.scope");
	wl_unit_from_cgroup("/", u, sizeof(u));
	assert_string_equal(u, "");
	wl_unit_from_cgroup("/system.slice/.service", u, sizeof(u));
	assert_string_equal(u, "");
}

/* spread: one CPU per thread in order, wrapping; all: the whole list. */
static void test_spread(void **state)
{
	struct workload_rule r = {.cpus = cpus("2,4-5"), .threads = WL_THREADS_SPREAD};
	const int want[] = {2, 4, 5, 2, 4, 5, 2};
	struct cpuset got;

	for (int i = 0; i < 7; i++) {
		wl_thread_cpus(&r, i, &got);
		assert_int_equal(cpuset_count(&got), 1);
		assert_true(cpuset_isset(&got, want[i]));
	}
	r.threads = WL_THREADS_ALL;
	wl_thread_cpus(&r, 5, &got);
	assert_true(cpuset_equal(&got, &r.cpus));
}

static int match_pid(struct fixture *fx, pid_t pid)
{
	struct wl_proc proc;
	struct tl_err e;

	assert_int_equal(wl_proc_read(&fx->p, pid, wl_rules_need(&fx->rules), &proc, &e), 0);
	return wl_match(&fx->rules, &proc);
}

static void test_match(void **state)
{
	struct fixture *fx = *state;
	struct wl_proc proc;
	struct tl_err e;

	assert_int_equal(match_pid(fx, 100), 0);  /* comm */
	assert_int_equal(match_pid(fx, 600), 1);  /* cmdline, joined with spaces */
	assert_int_equal(match_pid(fx, 500), 2);  /* unit of a sub-cgroup */
	assert_int_equal(match_pid(fx, 701), 3);  /* cgroup prefix */
	assert_int_equal(match_pid(fx, 700), -1); /* /batch.slice2 is not under /batch.slice */
	assert_int_equal(match_pid(fx, 200), -1);
	assert_int_equal(match_pid(fx, 40), -1); /* kernel threads never match */
	assert_int_equal(wl_proc_read(&fx->p, 600, ~0u, &proc, &e), 0);
	assert_string_equal(proc.cmdline, "java -jar risk.jar");
	assert_string_equal(proc.unit, "risk.service");
	assert_int_equal(wl_proc_read(&fx->p, 100, 0, &proc, &e), 0);
	assert_string_equal(proc.cmdline, "md-feed --port 9");
	assert_int_equal(wl_proc_read(&fx->p, 999, 0, &proc, &e), -ENOENT);
}

static void test_rule_nodes(void **state)
{
	struct workload_rule r = {.cpus = cpus("1-2"), .numa = WL_NUMA_LOCAL};
	const int node_of[4] = {0, 0, 1, 1};
	struct cpuset all = cpus("0-1"), out;

	wl_rule_nodes(&r, node_of, 4, &all, &out);
	assert_true(cpuset_equal(&out, &all));
	r.cpus = cpus("3");
	wl_rule_nodes(&r, node_of, 4, &all, &out);
	assert_true(cpuset_equal(&out, &(struct cpuset){0}) == false && cpuset_isset(&out, 1) &&
		    cpuset_count(&out) == 1);
	r.numa = WL_NUMA_NODE;
	r.node = 0;
	wl_rule_nodes(&r, node_of, 4, &all, &out);
	assert_true(cpuset_isset(&out, 0) && cpuset_count(&out) == 1);
	r.numa = WL_NUMA_NONE;
	wl_rule_nodes(&r, node_of, 4, &all, &out);
	assert_true(cpuset_empty(&out));
}

/* Every thread, in tid order, gets its CPU and the policy; pages move once. */
static void test_apply_spread(void **state)
{
	struct fixture *fx = *state;
	struct recorder rec = {0};
	struct wl_ops ops = {rec_affinity, rec_sched, rec_migrate, &rec};
	struct wl_applied a = {0};
	struct cpuset nodes = cpus("0");
	const int want[] = {2, 3, 2, 3};
	struct tl_err e;

	assert_int_equal(wl_apply(&fx->p, &ops, &fx->rules, 0, 100, &nodes, &a, &e), 4);
	assert_int_equal(a.nthreads, 4);
	assert_int_equal(rec.n, 9);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(a.threads[i].tid, 100 + i);
		assert_int_equal(rec.calls[2 * i].what, 'a');
		assert_int_equal(rec.calls[2 * i].id, 100 + i);
		assert_int_equal(cpuset_count(&rec.calls[2 * i].cpus), 1);
		assert_true(cpuset_isset(&rec.calls[2 * i].cpus, want[i]));
		assert_int_equal(rec.calls[2 * i + 1].what, 's');
		assert_int_equal(rec.calls[2 * i + 1].policy, 1 /* SCHED_FIFO */);
		assert_int_equal(rec.calls[2 * i + 1].prio, 10);
	}
	assert_int_equal(rec.calls[8].what, 'm');
	assert_true(a.migrated);
	/*
	 * Threads set up before are left alone while they stay within the rule's
	 * CPUs, even where the program moved them itself (101 to CPU 2); one that
	 * left them (102) is brought back, without its policy being reset; a
	 * new thread (104) is set up in full, at its place in the layout.
	 */
	put_task(fx->dir, 100, 100, "md-feed", 'S', 0x400000, 2, "2");
	put_task(fx->dir, 100, 101, "md-rx", 'R', 0x400040, 2, "2");
	put_task(fx->dir, 100, 102, "md-tx", 'S', 0x400040, 0, "0-3");
	put_task(fx->dir, 100, 103, "md-io", 'S', 0x400040, 3, "3");
	put_task(fx->dir, 100, 104, "md-new", 'S', 0x400040, 3, "3");
	rec.n = 0;
	assert_int_equal(wl_apply(&fx->p, &ops, &fx->rules, 0, 100, &nodes, &a, &e), 2);
	assert_int_equal(rec.n, 3);
	assert_int_equal(rec.calls[0].what, 'a');
	assert_int_equal(rec.calls[0].id, 102);
	assert_true(cpuset_isset(&rec.calls[0].cpus, 2) && cpuset_count(&rec.calls[0].cpus) == 1);
	assert_int_equal(rec.calls[1].what, 'a');
	assert_int_equal(rec.calls[1].id, 104);
	assert_true(cpuset_isset(&rec.calls[1].cpus, 2) && cpuset_count(&rec.calls[1].cpus) == 1);
	assert_int_equal(rec.calls[2].what, 's');
	assert_int_equal(rec.calls[2].id, 104);
	assert_int_equal(a.nthreads, 5);
	assert_true(cpuset_isset(&a.threads[1].cpus, 2)); /* what 101 really has */
	wl_applied_free(&a);
}

static bool has_intruder(const struct wl_findings *f, pid_t pid, int cpu)
{
	for (int i = 0; i < f->n; i++)
		if (f->items[i].kind == WL_FINDING_INTRUDER && f->items[i].pid == pid &&
		    f->items[i].cpu == cpu)
			return true;
	return false;
}

/* The engine on a sysroot: applies to matched processes only, reports the busy bash. */
static void test_engine(void **state)
{
	struct fixture *fx = *state;
	struct recorder rec = {0};
	struct wl_ops ops = {rec_affinity, rec_sched, rec_migrate, &rec};
	struct cpuset iso = cpus("2-3");
	struct workload_engine w;
	struct wl_findings f = {0};
	struct json_object *st, *arr, *v;
	struct tl_err e;

	assert_int_equal(workload_engine_init(&w, &fx->rules, &fx->p, &iso, &e), 0);
	workload_engine_set_ops(&w, &ops);
	assert_int_equal(workload_engine_fd(&w), -1); /* never subscribes for a sysroot */
	assert_int_equal(workload_engine_tick(&w, &f, &e), 0);
	for (int i = 0; i < rec.n; i++)
		assert_true(rec.calls[i].id == 100 ||
			    (rec.calls[i].id > 100 && rec.calls[i].id < 104) ||
			    rec.calls[i].id == 500 || rec.calls[i].id == 600 ||
			    rec.calls[i].id == 701);
	assert_true(has_intruder(&f, 200, 3));
	assert_false(has_intruder(&f, 40, 3));	/* per-CPU kthread */
	assert_false(has_intruder(&f, 100, 2)); /* a workload's own thread */
	/* numa "local" without a topology cannot be honoured: said so, not guessed. */
	for (int i = 0; i < f.n; i++)
		print_message("# %s pid %d: %s\n", wl_finding_kind_name(f.items[i].kind),
			      (int)f.items[i].pid, f.items[i].msg);
	assert_int_equal(f.n, 2);
	assert_int_equal(f.items[0].kind, WL_FINDING_APPLY_FAILED);
	assert_string_equal(f.items[0].rule, "md");
	st = workload_engine_status_json(&w);
	assert_string_equal(json_object_get_string(json_object_object_get(st, "mode")), "scan");
	arr = json_object_object_get(st, "workloads");
	assert_int_equal(json_object_array_length(arr), 4);
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		v = json_object_array_get_idx(arr, i);
		if (json_object_get_int(json_object_object_get(v, "pid")) == 100)
			break;
	}
	assert_string_equal(json_object_get_string(json_object_object_get(v, "rule")), "md");
	assert_string_equal(json_object_get_string(json_object_object_get(v, "cpus")), "2-3");
	assert_int_equal(json_object_array_length(json_object_object_get(v, "threads")), 4);
	assert_non_null(
		strstr(json_object_get_string(json_object_object_get(v, "error")), "NUMA node"));
	{
		char *text = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&text, &len);

		workload_status_render_text(m, st);
		fclose(m);
		print_message("%s", text);
		assert_non_null(strstr(text, "Workloads: 4, 5 rules, new processes found by "
					     "scanning /proc (sysroot: scanning only)\n"));
		assert_non_null(strstr(text, "  md-feed          pid 100     rule md: cpus 2-3 "
					     "(spread) fifo 10 numa local -> nodes unknown\n"));
		assert_non_null(strstr(text, "    error: numa \"local\": the NUMA node"));
		assert_non_null(strstr(text, "    tid 101     cpus 3\n"));
		assert_non_null(strstr(text, "  java             pid 600     rule risk: cpus 3 "
					     "(all)\n"));
		free(text);
	}
	json_object_put(st);
	/* A process that exits is forgotten. */
	{
		char cmd[160];

		snprintf(cmd, sizeof(cmd), "rm -rf %s/proc/600", fx->dir);
		assert_int_equal(system(cmd), 0);
	}
	f.n = 0;
	assert_int_equal(workload_engine_tick(&w, &f, &e), 0);
	assert_int_equal(w.nrecs, 3);
	workload_engine_free(&w);
}

/* With the topology, numa "local" migrates the pages to the node of the rule's CPUs. */
static void test_engine_numa_local(void **state)
{
	struct fixture *fx = *state;
	struct recorder rec = {0};
	struct wl_ops ops = {rec_affinity, rec_sched, rec_migrate, &rec};
	struct cpuset iso = cpus("2-3");
	struct topology *topo = calloc(1, sizeof(*topo));
	struct workload_engine w;
	struct wl_findings f = {0};
	struct tl_err e;
	int migrations = 0;

	topo->nr_cpus = 4;
	topo->nr_nodes = 2;
	topo->node_of[0] = topo->node_of[1] = 0;
	topo->node_of[2] = topo->node_of[3] = 1;
	topo->node_cpus[0] = cpus("0-1");
	topo->node_cpus[1] = cpus("2-3");
	assert_int_equal(workload_engine_init(&w, &fx->rules, &fx->p, &iso, &e), 0);
	workload_engine_set_ops(&w, &ops);
	workload_engine_set_topology(&w, topo);
	assert_int_equal(workload_engine_tick(&w, &f, &e), 0);
	assert_int_equal(f.n, 1);
	assert_true(has_intruder(&f, 200, 3));
	for (int i = 0; i < rec.n; i++) {
		if (rec.calls[i].what != 'm')
			continue;
		migrations++;
		assert_int_equal(rec.calls[i].id, 100);
		assert_true(cpuset_equal(&rec.calls[i].cpus, &(struct cpuset){{2ul}}));
	}
	assert_int_equal(migrations, 1);
	/* Drifting threads are re-applied on the next tick, pages are not moved again. */
	rec.n = 0;
	f.n = 0;
	assert_int_equal(workload_engine_tick(&w, &f, &e), 0);
	assert_true(rec.n > 0);
	for (int i = 0; i < rec.n; i++)
		assert_int_not_equal(rec.calls[i].what, 'm');
	workload_engine_free(&w);
	free(topo);
}

/* Append one connector message carrying ev to buf at *off. */
static void put_event(char *buf, size_t *off, const struct proc_event *ev)
{
	struct nlmsghdr *nl = (struct nlmsghdr *)(buf + *off);
	struct cn_msg *cn = NLMSG_DATA(nl);

	nl->nlmsg_len = NLMSG_LENGTH(sizeof(*cn) + sizeof(*ev));
	nl->nlmsg_type = NLMSG_DONE;
	cn->id.idx = CN_IDX_PROC;
	cn->id.val = CN_VAL_PROC;
	cn->len = sizeof(*ev);
	memcpy(cn->data, ev, sizeof(*ev));
	*off += NLMSG_ALIGN(nl->nlmsg_len);
}

static void collect(const struct procevent *ev, void *arg)
{
	struct procevent *out = arg;

	while (out->pid)
		out++;
	*out = *ev;
}

static void test_procevents_parse(void **state)
{
	long buf[512] = {0};
	struct procevent got[8] = {0};
	struct procevents pe = {.fd = -1};
	struct proc_event ev = {0};
	size_t off = 0;

	ev.what = PROC_EVENT_NONE; /* the subscription's ack */
	put_event((char *)buf, &off, &ev);
	assert_int_equal(procevents_parse(&pe, buf, off, collect, got), 0);
	assert_true(pe.confirmed);
	/* A refused subscription (EPERM before Linux 6.6) is not a confirmation. */
	off = 0;
	pe.confirmed = false;
	ev.event_data.ack.err = EPERM;
	put_event((char *)buf, &off, &ev);
	assert_int_equal(procevents_parse(&pe, buf, off, collect, got), 0);
	assert_false(pe.confirmed);
	assert_int_equal(pe.ack_err, EPERM);
	memset(&ev.event_data, 0, sizeof(ev.event_data));
	off = 0;
	ev.what = PROC_EVENT_FORK;
	ev.event_data.fork.parent_tgid = 10;
	ev.event_data.fork.child_pid = 12;
	ev.event_data.fork.child_tgid = 11;
	put_event((char *)buf, &off, &ev);
	ev.what = PROC_EVENT_EXIT; /* ignored */
	put_event((char *)buf, &off, &ev);
	memset(&ev.event_data, 0, sizeof(ev.event_data));
	ev.what = PROC_EVENT_EXEC;
	ev.event_data.exec.process_pid = 20;
	ev.event_data.exec.process_tgid = 20;
	put_event((char *)buf, &off, &ev);
	ev.what = PROC_EVENT_COMM;
	ev.event_data.comm.process_pid = 31;
	ev.event_data.comm.process_tgid = 30;
	put_event((char *)buf, &off, &ev);
	assert_int_equal(procevents_parse(&pe, buf, off, collect, got), 3);
	assert_int_equal(got[0].kind, PROCEVENT_FORK);
	assert_int_equal(got[0].pid, 11);
	assert_int_equal(got[0].tid, 12);
	assert_int_equal(got[0].parent_pid, 10);
	assert_int_equal(got[1].kind, PROCEVENT_EXEC);
	assert_int_equal(got[1].pid, 20);
	assert_int_equal(got[2].kind, PROCEVENT_COMM);
	assert_int_equal(got[2].pid, 30);
	assert_int_equal(got[2].tid, 31);
	/* A truncated message is skipped, not read past. */
	assert_int_equal(procevents_parse(&pe, buf, 20, collect, got + 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unit_from_cgroup),
		cmocka_unit_test(test_spread),
		cmocka_unit_test(test_rule_nodes),
		cmocka_unit_test_setup_teardown(test_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_spread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_engine, setup, teardown),
		cmocka_unit_test_setup_teardown(test_engine_numa_local, setup, teardown),
		cmocka_unit_test(test_procevents_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
