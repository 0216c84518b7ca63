// SPDX-License-Identifier: GPL-2.0-or-later
/* IPI attribution from a private tracefs instance; see ipitrace.h for the kernel paths. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipitrace.h"
#include "ipiprobe.h"
#include "kallsyms.h"
#include "tracefs-dl.h"

/* include/linux/mm_types.h enum tlb_flush_reason: stable since 4.x. */
#define TLB_REMOTE_SHOOTDOWN 1
#define TLB_REMOTE_SEND_IPI  4

struct itr_cpu {
	int cpu;
	int fd;
};

/* The events this instance may see, resolved once so the read loop only compares ids. */
struct itr_events {
	struct tep_event *send_cpu, *send_mask, *csd;
	struct tep_event *cf, *cfs, *cf_exit, *cfs_exit, *resched, *irq_work, *tlb;
	struct tep_format_field *f_cpu, *f_cs1, *f_cb1, *f_mask, *f_cs2, *f_cb2, *f_reason;
	struct tep_format_field *f_csd_cs, *f_csd_func;
	uint64_t generic[2]; /* the generic IPI handlers the ipi events name for queued CSDs */
};

/*
 * Sender path: the last CSD a CPU queued for a target. smp_call_function_many
 * and friends trace ipi_send_* with a generic handler as the callback; the
 * csd_queue_cpu event just before, on the same CPU, carries the real function.
 */
struct itr_csd {
	pid_t tid;
	uint64_t callsite, func;
};

/* Receiver path: a call-function IPI being handled on a target CPU. */
struct itr_pending {
	bool open;
	bool shootdown; /* tlb_flush "remote shootdown" ran in it */
	bool kflush;	/* a kernel-range flush function ran in it (kprobe) */
	uint64_t ts;
};

/* Receiver path: a raw event kept until events of all CPUs can be put in time order. */
struct itr_rx {
	uint64_t ts;
	int cpu;
	int tid;
	struct tep_event *ev;
	int reason;
	enum ipiprobe_kind probe;
};

struct ipitrace {
	struct tl_tracefs api; /* loaded by ipitrace_open, dropped last by ipitrace_close */
	struct tracefs_instance *inst;
	struct tep_handle *tep;
	struct kbuffer *kbuf;
	enum ipitrace_path path;
	struct cpuset targets;
	struct itr_cpu *cpus;
	int ncpus;
	void *page;
	size_t page_size;
	unsigned budget;
	struct itr_events ev;
	struct kallsyms ks;
	struct ipiagg agg;
	struct itr_csd *csd; /* indexed by the sending CPU id */
	/* receiver path state */
	struct itr_pending *pend; /* indexed by CPU id */
	int max_cpu;
	pid_t last_sender;  /* the last "remote ipi send" outside the targets */
	pid_t last_ksender; /* the last kernel-range flush call outside the targets */
	struct ipiprobe probes;
	struct itr_rx *rx;
	size_t nrx, caprx;
};

const char *ipitrace_path_name(enum ipitrace_path path)
{
	return path == IPITRACE_SENDER ? "sender" : "receiver";
}

/* An instance name of ours, and the pid it carries. */
static bool itr_parse_name(const char *name, pid_t *pid)
{
	char *end;
	long v;

	if (strncmp(name, "tlbiso-", 7))
		return false;
	v = strtol(name + 7, &end, 10);
	if (end == name + 7 || *end || v <= 0)
		return false;
	*pid = (pid_t)v;
	return true;
}

/* Remove one instance by name; rmdir also disables its events. */
static int itr_destroy_name(const struct tl_tracefs *api, const char *name)
{
	struct tracefs_instance *inst = api->tracefs_instance_alloc(NULL, name);
	int r;

	if (!inst)
		return -errno;
	r = api->tracefs_instance_destroy(inst);
	api->tracefs_instance_free(inst);
	return r < 0 ? -EBUSY : 0;
}

/* Stale instances seen during the walk; removed after it, not under its readdir. */
struct itr_stale {
	char names[64][32];
	int n;
};

/* tracefs_instances_walk() callback: keep "tlbiso-<pid>" names whose pid is gone. */
static int itr_stale_visit(const char *name, void *arg)
{
	struct itr_stale *st = arg;
	pid_t pid;

	if (st->n < 64 && itr_parse_name(name, &pid) && kill(pid, 0) < 0 && errno == ESRCH)
		snprintf(st->names[st->n++], sizeof(st->names[0]), "%s", name);
	return 0;
}

int ipitrace_clean_stale(struct tl_err *e)
{
	struct itr_stale st = {.n = 0};
	struct tl_tracefs api;
	int removed = 0;

	if (tl_tracefs_load(&api, e) < 0)
		return -e->code;
	/* The walk, not tracefs_instances(): that one leaks its regex in libtracefs 1.6. */
	api.tracefs_instances_walk(itr_stale_visit, &st);
	for (int i = 0; i < st.n; i++)
		if (itr_destroy_name(&api, st.names[i]) == 0)
			removed++;
	removed += ipiprobe_clean_stale(&api);
	tl_tracefs_unload(&api);
	return removed;
}

/* Write a raw filter string; the kernel's verdict (EINVAL for unknown syntax) is the test. */
static int itr_filter(const struct tl_tracefs *api, struct tracefs_instance *inst, const char *sys,
		      const char *event, const char *filter)
{
	if (!api->tracefs_event_file_exists(inst, sys, event, "filter"))
		return -ENOENT;
	if (api->tracefs_event_file_write(inst, sys, event, "filter", filter) < 0)
		return -EINVAL;
	return 0;
}

/* Sender path: the ipi events exist and the kernel accepts CPUS{} filters on them (6.6+). */
static int itr_arm_sender(struct ipitrace *t, const char *list)
{
	char f[TL_MAX_CPUS / 2];
	int r;

	snprintf(f, sizeof(f), "cpu & CPUS{%s}", list);
	r = itr_filter(&t->api, t->inst, "ipi", "ipi_send_cpu", f);
	if (r == 0) {
		snprintf(f, sizeof(f), "cpumask & CPUS{%s}", list);
		r = itr_filter(&t->api, t->inst, "ipi", "ipi_send_cpumask", f);
	}
	if (r < 0) {
		itr_filter(&t->api, t->inst, "ipi", "ipi_send_cpu", "0");
		itr_filter(&t->api, t->inst, "ipi", "ipi_send_cpumask", "0");
		return r;
	}
	/* csd_queue_cpu (6.5+) is optional: it names the function behind a generic callback. */
	snprintf(f, sizeof(f), "cpu & CPUS{%s}", list);
	if (itr_filter(&t->api, t->inst, "csd", "csd_queue_cpu", f) == 0)
		t->api.tracefs_event_enable(t->inst, "csd", "csd_queue_cpu");
	if (t->api.tracefs_event_enable(t->inst, "ipi", "ipi_send_cpu") < 0 ||
	    t->api.tracefs_event_enable(t->inst, "ipi", "ipi_send_cpumask") < 0)
		return -errno ? -errno : -EIO;
	t->path = IPITRACE_SENDER;
	return 0;
}

/*
 * Receiver path filters, best effort: irq_vectors events only on the target
 * CPUs ("CPU == n || ..."; kernels that cannot filter on CPU record them
 * everywhere and the reader drops the rest), tlb_flush only for the two
 * reasons we use (it also fires at every task switch).
 */
static void itr_receiver_filters(struct ipitrace *t, const char *const *evs, size_t nev)
{
	char f[2048] = "", *p = f;
	int cpu, r;

	cpuset_for_each(cpu, &t->targets)
	{
		r = snprintf(p, sizeof(f) - (size_t)(p - f), "%sCPU == %d", p == f ? "" : " || ",
			     cpu);
		if (r < 0 || (size_t)r >= sizeof(f) - (size_t)(p - f)) {
			f[0] = '\0';
			break;
		}
		p += r;
	}
	for (size_t i = 0; f[0] && i < nev; i++)
		itr_filter(&t->api, t->inst, "irq_vectors", evs[i], f);
	snprintf(f, sizeof(f), "reason == %d || reason == %d", TLB_REMOTE_SHOOTDOWN,
		 TLB_REMOTE_SEND_IPI);
	itr_filter(&t->api, t->inst, "tlb", "tlb_flush", f);
}

/* Receiver path: x86 irq_vectors entries on the targets, tlb_flush for the reason and sender. */
static int itr_arm_receiver(struct ipitrace *t)
{
	static const char *const evs[] = {"call_function_entry",	"call_function_exit",
					  "call_function_single_entry", "call_function_single_exit",
					  "reschedule_entry",		"irq_work_entry"};
	size_t nev = sizeof(evs) / sizeof(evs[0]);
	int n = 0;

	itr_receiver_filters(t, evs, nev);
	for (size_t i = 0; i < nev; i++)
		if (t->api.tracefs_event_file_exists(t->inst, "irq_vectors", evs[i], "enable") &&
		    t->api.tracefs_event_enable(t->inst, "irq_vectors", evs[i]) == 0)
			n++;
	if (n == 0)
		return -ENOTSUP;
	/* tlb_flush is optional: without it user-mm flushes show as "other". */
	if (t->api.tracefs_event_file_exists(t->inst, "tlb", "tlb_flush", "enable"))
		t->api.tracefs_event_enable(t->inst, "tlb", "tlb_flush");
	/* Kprobes are optional too: without them kernel-range flushes show as "other". */
	ipiprobe_create(&t->probes, &t->api, t->inst, t->tep, getpid());
	t->path = IPITRACE_RECEIVER;
	return 0;
}

/* Look up the events and fields once; missing ones stay NULL and are never matched. */
static void itr_resolve_events(struct ipitrace *t)
{
	struct itr_events *v = &t->ev;

	v->send_cpu = t->api.tep_find_event_by_name(t->tep, "ipi", "ipi_send_cpu");
	v->send_mask = t->api.tep_find_event_by_name(t->tep, "ipi", "ipi_send_cpumask");
	v->cf = t->api.tep_find_event_by_name(t->tep, "irq_vectors", "call_function_entry");
	v->cfs = t->api.tep_find_event_by_name(t->tep, "irq_vectors", "call_function_single_entry");
	v->cf_exit = t->api.tep_find_event_by_name(t->tep, "irq_vectors", "call_function_exit");
	v->cfs_exit =
		t->api.tep_find_event_by_name(t->tep, "irq_vectors", "call_function_single_exit");
	v->resched = t->api.tep_find_event_by_name(t->tep, "irq_vectors", "reschedule_entry");
	v->irq_work = t->api.tep_find_event_by_name(t->tep, "irq_vectors", "irq_work_entry");
	v->tlb = t->api.tep_find_event_by_name(t->tep, "tlb", "tlb_flush");
	if (v->send_cpu) {
		v->f_cpu = t->api.tep_find_field(v->send_cpu, "cpu");
		v->f_cs1 = t->api.tep_find_field(v->send_cpu, "callsite");
		v->f_cb1 = t->api.tep_find_field(v->send_cpu, "callback");
	}
	if (v->send_mask) {
		v->f_mask = t->api.tep_find_field(v->send_mask, "cpumask");
		v->f_cs2 = t->api.tep_find_field(v->send_mask, "callsite");
		v->f_cb2 = t->api.tep_find_field(v->send_mask, "callback");
	}
	if (v->tlb)
		v->f_reason = t->api.tep_find_field(v->tlb, "reason");
	v->csd = t->api.tep_find_event_by_name(t->tep, "csd", "csd_queue_cpu");
	if (v->csd) {
		v->f_csd_cs = t->api.tep_find_field(v->csd, "callsite");
		v->f_csd_func = t->api.tep_find_field(v->csd, "func");
	}
	v->generic[0] = kallsyms_addr(&t->ks, "generic_smp_call_function_single_interrupt");
	v->generic[1] = kallsyms_addr(&t->ks, "generic_smp_call_function_interrupt");
}

/* Open every online CPU's trace_pipe_raw non-blocking: senders may be on any CPU. */
static int itr_open_cpus(struct ipitrace *t, const struct tl_path *p, struct tl_err *e)
{
	struct cpuset online;
	char rel[64];
	int cpu, r;

	r = tl_path_read_cpulist(p, "/sys/devices/system/cpu/online", &online, e);
	if (r < 0)
		return r;
	t->cpus = calloc((size_t)cpuset_count(&online), sizeof(*t->cpus));
	if (!t->cpus)
		return tl_err_sys(e, ENOMEM, "ipitrace");
	cpuset_for_each(cpu, &online)
	{
		char *file;
		int fd;

		snprintf(rel, sizeof(rel), "per_cpu/cpu%d/trace_pipe_raw", cpu);
		file = t->api.tracefs_instance_get_file(t->inst, rel);
		fd = file ? open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC) : -1;
		t->api.tracefs_put_tracing_file(file);
		if (fd < 0)
			return tl_err_sys(e, errno, "cannot open %s", rel);
		t->cpus[t->ncpus].cpu = cpu;
		t->cpus[t->ncpus++].fd = fd;
		if (cpu > t->max_cpu)
			t->max_cpu = cpu;
	}
	return 0;
}

/*
 * Instance settings before arming: monotonic timestamps, poll watermark and,
 * only when asked, the buffer size. A new instance comes with the kernel's
 * trace_buf_size already allocated; resizing it queues update_pages work on
 * every online CPU, the isolated ones included, so by default we don't.
 */
static int itr_setup_instance(struct ipitrace *t, const struct ipitrace_opts *o, struct tl_err *e)
{
	char pct[16];

	if (t->api.tracefs_instance_file_write(t->inst, "trace_clock", "mono") < 0)
		return tl_err_sys(e, errno, "cannot set trace_clock to mono");
	if (o->buffer_kb && t->api.tracefs_instance_set_buffer_size(t->inst, o->buffer_kb, -1) < 0)
		return tl_err_sys(e, errno, "cannot size the ring buffer");
	snprintf(pct, sizeof(pct), "%u", o->buffer_percent ? o->buffer_percent : 50);
	/* buffer_percent is missing on old kernels: polling then wakes per event, still correct. */
	t->api.tracefs_instance_file_write(t->inst, "buffer_percent", pct);
	return 0;
}

/* The events whose records ipitrace decodes (itr_find_events); a kernel may lack some. */
static const char *const itr_formats[][2] = {
	{"ipi", "ipi_send_cpu"},
	{"ipi", "ipi_send_cpumask"},
	{"csd", "csd_queue_cpu"},
	{"irq_vectors", "call_function_entry"},
	{"irq_vectors", "call_function_single_entry"},
	{"irq_vectors", "call_function_exit"},
	{"irq_vectors", "call_function_single_exit"},
	{"irq_vectors", "reschedule_entry"},
	{"irq_vectors", "irq_work_entry"},
	{"tlb", "tlb_flush"},
};

/* Parse one event's format into the tep; an event this kernel lacks is skipped. */
static void itr_parse_format(const struct tl_tracefs *api, struct tep_handle *tep, const char *sys,
			     const char *event)
{
	int size = 0;
	char *buf = api->tracefs_event_file_read(NULL, sys, event, "format", &size);

	if (buf && size > 0)
		api->tep_parse_event(tep, buf, (unsigned long)size, sys);
	free(buf);
}

/*
 * A tep with the sub-buffer header and only the formats above. Not
 * tracefs_local_events_system(): it also loads kallsyms, saved_cmdlines and
 * printk_formats into the tep, megabytes that ipitrace never uses (it has its
 * own kallsyms) and, growing a buffer one read at a time, seconds of copying
 * under some allocators.
 */
static int itr_load_tep(struct ipitrace *t, struct tl_err *e)
{
	int lsize = 0, hsize = 0;
	char *header;

	t->tep = t->api.tep_alloc();
	if (!t->tep)
		return tl_err_sys(e, ENOMEM, "ipitrace");
	header = t->api.tracefs_instance_file_read(NULL, "events/header_page", &hsize);
	if (!header || hsize <= 0) {
		free(header);
		return tl_err_sys(e, errno ? errno : EIO, "cannot read events/header_page");
	}
	t->api.tep_parse_header_page(t->tep, header, (unsigned long)hsize, sizeof(long));
	free(header);
	for (size_t i = 0; i < sizeof(itr_formats) / sizeof(itr_formats[0]); i++)
		itr_parse_format(&t->api, t->tep, itr_formats[i][0], itr_formats[i][1]);
	lsize = t->api.tep_get_long_size(t->tep);
	t->kbuf = t->api.kbuffer_alloc(lsize == 4 ? KBUFFER_LSIZE_4 : KBUFFER_LSIZE_8,
				       KBUFFER_ENDIAN_SAME_AS_HOST);
	if (!t->kbuf)
		return tl_err_sys(e, ENOMEM, "kbuffer");
	t->page_size = (size_t)getpagesize();
	t->page = malloc(t->page_size);
	return t->page ? 0 : tl_err_sys(e, ENOMEM, "ipitrace");
}

/* Create the private instance after checking tracefs is there and we may use it. */
static int itr_create(struct ipitrace *t, struct tl_err *e)
{
	char name[32];

	if (!t->api.tracefs_tracing_dir())
		return tl_err_set(e, ENODEV,
				  "tracefs is not mounted "
				  "(mount -t tracefs nodev /sys/kernel/tracing)");
	snprintf(name, sizeof(name), "tlbiso-%d", (int)getpid());
	if (t->api.tracefs_instance_exists(name))
		itr_destroy_name(&t->api, name);
	t->inst = t->api.tracefs_instance_create(name);
	if (!t->inst)
		return tl_err_sys(e, errno ? errno : EACCES, "cannot create tracefs instance %s",
				  name);
	return 0;
}

/* Choose the kernel path and enable its events: the deliberate one-time IPI. */
static int itr_arm(struct ipitrace *t, const struct ipitrace_opts *o, struct tl_err *e)
{
	char list[TL_MAX_CPUS / 4];
	int r = -ENOTSUP;

	cpulist_format(&o->targets, list, sizeof(list));
	if (!o->force_receiver)
		r = itr_arm_sender(t, list);
	if (r < 0)
		r = itr_arm_receiver(t);
	if (r < 0)
		return tl_err_set(e, ENOTSUP,
				  "no usable IPI tracepoints (need ipi:* with CPUS{} "
				  "filters, or x86 irq_vectors:*)");
	t->csd = calloc((size_t)t->max_cpu + 1, sizeof(*t->csd));
	t->pend = calloc((size_t)t->max_cpu + 1, sizeof(*t->pend));
	if (!t->csd || !t->pend)
		return tl_err_sys(e, ENOMEM, "ipitrace");
	return 0;
}

int ipitrace_open(struct ipitrace **out, const struct tl_path *p, const struct ipitrace_opts *o,
		  struct tl_err *e)
{
	struct ipitrace *t;
	int r;

	*out = NULL;
	if (cpuset_empty(&o->targets))
		return tl_err_set(e, EINVAL, "no target CPUs to trace");
	t = calloc(1, sizeof(*t));
	if (!t)
		return tl_err_sys(e, ENOMEM, "ipitrace");
	t->targets = o->targets;
	t->budget = o->budget_pages ? o->budget_pages : 64;
	t->last_sender = t->last_ksender = -1;
	kallsyms_init(&t->ks);
	r = tl_tracefs_load(&t->api, e);
	if (r == 0)
		r = kallsyms_load(&t->ks, p, e);
	if (r == 0)
		r = ipiagg_init(&t->agg, &t->ks, p, o->max_entries) < 0
			    ? tl_err_sys(e, ENOMEM, "ipitrace")
			    : 0;
	if (r == 0)
		r = itr_create(t, e);
	if (r == 0)
		r = itr_setup_instance(t, o, e);
	if (r == 0)
		r = itr_load_tep(t, e);
	if (r == 0)
		r = itr_open_cpus(t, p, e);
	if (r == 0)
		itr_resolve_events(t);
	if (r == 0)
		r = itr_arm(t, o, e);
	if (r < 0) {
		ipitrace_close(t);
		return r;
	}
	*out = t;
	return 0;
}

enum ipitrace_path ipitrace_kernel_path(const struct ipitrace *t)
{
	return t->path;
}

bool ipitrace_symbols_hidden(const struct ipitrace *t)
{
	return t->ks.hidden;
}

const char *ipitrace_instance_name(const struct ipitrace *t)
{
	return t->api.tracefs_instance_get_name(t->inst);
}

int ipitrace_fds(const struct ipitrace *t, int *fds, int max)
{
	int n = 0;

	for (int i = 0; i < t->ncpus && n < max; i++)
		fds[n++] = t->cpus[i].fd;
	return n;
}

const struct ipiagg *ipitrace_agg(const struct ipitrace *t)
{
	return &t->agg;
}

/* A numeric field of a record; 0 when the field is missing. */
static uint64_t itr_num(const struct tl_tracefs *api, struct tep_format_field *f,
			struct tep_record *rec)
{
	unsigned long long v = 0;

	if (f)
		api->tep_read_number_field(f, rec->data, &v);
	return v;
}

/* ipi_send_cpumask: one IPI per target CPU in the mask. */
static int itr_sender_mask(struct ipitrace *t, struct tep_record *rec, struct ipi_tuple *tu)
{
	unsigned char *bits;
	int len = 0, cpu, n = 0;

	bits = t->api.tep_get_field_raw(NULL, t->ev.send_mask, "cpumask", rec, &len, 0);
	if (!bits)
		return 0;
	cpuset_for_each(cpu, &t->targets)
	{
		if (cpu / 8 >= len)
			break;
		/* The kernel's bitmap is an array of longs in host order: bit c of long c/64. */
		unsigned long w;

		memcpy(&w, bits + (cpu / (8 * sizeof(long))) * sizeof(long), sizeof(w));
		if (!(w & (1ul << (cpu % (8 * sizeof(long))))))
			continue;
		tu->target_cpu = cpu;
		ipiagg_add(&t->agg, tu);
		n++;
	}
	return n;
}

/* A generic callback stands for the CSD queued just before by the same task on this CPU. */
static void itr_sender_real_func(struct ipitrace *t, int cpu, struct ipi_tuple *tu)
{
	const struct itr_csd *c = &t->csd[cpu];

	if (tu->callback &&
	    (tu->callback == t->ev.generic[0] || tu->callback == t->ev.generic[1]) && c->func &&
	    c->tid == tu->tid) {
		tu->callsite = c->callsite;
		tu->callback = c->func;
	}
}

/* Sender path: one record is one send, to one CPU or to a mask. */
static int itr_sender_record(struct ipitrace *t, struct tep_record *rec)
{
	struct itr_events *v = &t->ev;
	int type = t->api.tep_data_type(t->tep, rec);
	struct ipi_tuple tu = {.ts_ns = rec->ts, .class_hint = -1};

	tu.tid = t->api.tep_data_pid(t->tep, rec);
	if (v->csd && type == v->csd->id && rec->cpu <= t->max_cpu) {
		t->csd[rec->cpu] = (struct itr_csd){.tid = tu.tid,
						    .callsite = itr_num(&t->api, v->f_csd_cs, rec),
						    .func = itr_num(&t->api, v->f_csd_func, rec)};
		return 0;
	}
	if (v->send_cpu && type == v->send_cpu->id) {
		tu.target_cpu = (int)itr_num(&t->api, v->f_cpu, rec);
		if (!cpuset_isset(&t->targets, tu.target_cpu))
			return 0;
		tu.callsite = itr_num(&t->api, v->f_cs1, rec);
		tu.callback = itr_num(&t->api, v->f_cb1, rec);
		itr_sender_real_func(t, rec->cpu, &tu);
		ipiagg_add(&t->agg, &tu);
		return 1;
	}
	if (v->send_mask && type == v->send_mask->id) {
		tu.callsite = itr_num(&t->api, v->f_cs2, rec);
		tu.callback = itr_num(&t->api, v->f_cb2, rec);
		itr_sender_real_func(t, rec->cpu, &tu);
		return itr_sender_mask(t, rec, &tu);
	}
	return 0;
}

/* Receiver path: keep the record until the batch of all CPUs is in time order. */
static int itr_rx_keep(struct ipitrace *t, struct tep_record *rec)
{
	struct itr_rx *x;
	int type = t->api.tep_data_type(t->tep, rec);
	struct tep_event *ev = t->api.tep_find_event(t->tep, type);

	if (!ev)
		return 0;
	if (t->nrx == t->caprx) {
		size_t cap = t->caprx ? t->caprx * 2 : 1024;

		x = realloc(t->rx, cap * sizeof(*x));
		if (!x)
			return -ENOMEM;
		t->rx = x;
		t->caprx = cap;
	}
	x = &t->rx[t->nrx++];
	x->ts = rec->ts;
	x->cpu = rec->cpu;
	x->tid = t->api.tep_data_pid(t->tep, rec);
	x->ev = ev;
	x->reason = ev == t->ev.tlb ? (int)itr_num(&t->api, t->ev.f_reason, rec) : -1;
	x->probe = ipiprobe_kind_of(&t->probes, ev);
	return 0;
}

/* Walk one sub-buffer page; returns the IPIs attributed (sender) or records kept (receiver). */
static int itr_parse_page(struct ipitrace *t, int cpu)
{
	unsigned long long ts;
	void *data;
	int n = 0;

	if (t->api.kbuffer_load_subbuffer(t->kbuf, t->page) < 0)
		return 0;
	for (data = t->api.kbuffer_read_event(t->kbuf, &ts); data;
	     data = t->api.kbuffer_next_event(t->kbuf, &ts)) {
		struct tep_record rec = {.ts = ts, .data = data, .cpu = cpu};

		rec.size = t->api.kbuffer_event_size(t->kbuf);
		if (t->path == IPITRACE_SENDER)
			n += itr_sender_record(t, &rec);
		else if (itr_rx_keep(t, &rec) == 0)
			n++;
	}
	return n;
}

/* Read up to the budget of pages from one CPU's buffer, never waiting; returns pages read. */
static int itr_drain_cpu(struct ipitrace *t, struct itr_cpu *c, struct tl_err *e)
{
	int n = 0;

	for (unsigned i = 0; i < t->budget; i++) {
		ssize_t r = read(c->fd, t->page, t->page_size);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			break;
		if (r < 0)
			return tl_err_sys(e, errno, "reading cpu%d trace buffer", c->cpu);
		if (r == 0)
			break;
		itr_parse_page(t, c->cpu);
		n++;
	}
	return n;
}

static int rx_cmp(const void *pa, const void *pb)
{
	const struct itr_rx *x = pa, *y = pb;

	return x->ts == y->ts ? 0 : x->ts < y->ts ? -1 : 1;
}

/* Receiver: count a finished call-function IPI on a target, with the class it showed. */
static void itr_rx_commit(struct ipitrace *t, int cpu)
{
	struct itr_pending *pd = &t->pend[cpu];
	struct ipi_tuple tu = {.ts_ns = pd->ts, .target_cpu = cpu, .tid = -1};

	if (!pd->open)
		return;
	tu.class_hint = pd->shootdown ? IPI_CLASS_USER_MM_SHOOTDOWN
			: pd->kflush  ? IPI_CLASS_KERNEL_TLB_FLUSH
				      : IPI_CLASS_OTHER;
	if (pd->shootdown)
		tu.tid = t->last_sender;
	else if (pd->kflush)
		tu.tid = t->last_ksender;
	ipiagg_add(&t->agg, &tu);
	pd->open = false;
}

/* Receiver: one event in global time order. */
static int itr_rx_event(struct ipitrace *t, const struct itr_rx *x)
{
	struct itr_events *v = &t->ev;
	bool target = x->cpu <= t->max_cpu && cpuset_isset(&t->targets, x->cpu);
	struct ipi_tuple tu = {.ts_ns = x->ts, .target_cpu = x->cpu, .tid = -1};

	if (x->ev == v->tlb && x->reason == TLB_REMOTE_SEND_IPI && !target)
		t->last_sender = x->tid;
	if (x->probe == IPIPROBE_FLUSH_SEND && !target)
		t->last_ksender = x->tid;
	if (!target)
		return 0;
	if (x->ev == v->cf || x->ev == v->cfs) {
		itr_rx_commit(t, x->cpu);
		t->pend[x->cpu] = (struct itr_pending){.open = true, .ts = x->ts};
	} else if (x->ev == v->tlb && x->reason == TLB_REMOTE_SHOOTDOWN) {
		t->pend[x->cpu].shootdown = true;
	} else if (x->probe == IPIPROBE_FLUSH_RUN) {
		t->pend[x->cpu].kflush = true;
	} else if (x->ev == v->cf_exit || x->ev == v->cfs_exit) {
		itr_rx_commit(t, x->cpu);
		return 1;
	} else if (x->ev == v->resched || x->ev == v->irq_work) {
		tu.class_hint = x->ev == v->resched ? IPI_CLASS_RESCHEDULE : IPI_CLASS_IRQ_WORK;
		ipiagg_add(&t->agg, &tu);
		return 1;
	}
	return 0;
}

/* Receiver: sort the batch of all CPUs by time and replay it. */
static int itr_rx_replay(struct ipitrace *t)
{
	int n = 0;

	if (t->nrx) /* rx may still be NULL: qsort(NULL, 0) is undefined */
		qsort(t->rx, t->nrx, sizeof(*t->rx), rx_cmp);
	for (size_t i = 0; i < t->nrx; i++)
		n += itr_rx_event(t, &t->rx[i]);
	t->nrx = 0;
	return n;
}

int ipitrace_on_readable(struct ipitrace *t, int fd, struct tl_err *e)
{
	int n = 0, r;

	/* The receiver path correlates across CPUs, so it always reads them all. */
	if (t->path == IPITRACE_RECEIVER)
		fd = -1;
	for (int i = 0; i < t->ncpus; i++) {
		if (fd >= 0 && t->cpus[i].fd != fd)
			continue;
		r = itr_drain_cpu(t, &t->cpus[i], e);
		if (r < 0)
			return r;
		n += r;
	}
	if (t->path == IPITRACE_RECEIVER)
		itr_rx_replay(t);
	return n;
}

/* One "key: N" figure of a per_cpu/cpuN/stats file. */
static uint64_t stat_field(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

uint64_t ipitrace_lost(struct ipitrace *t)
{
	uint64_t lost = t->agg.dropped;
	char rel[64];

	for (int i = 0; i < t->ncpus; i++) {
		char *s;

		snprintf(rel, sizeof(rel), "per_cpu/cpu%d/stats", t->cpus[i].cpu);
		s = t->api.tracefs_instance_file_read(t->inst, rel, NULL);
		if (!s)
			continue;
		lost += stat_field(s, "overrun:") + stat_field(s, "dropped events:");
		free(s);
	}
	return lost;
}

size_t ipitrace_top_senders(const struct ipitrace *t, unsigned window_s, unsigned class_mask,
			    int cpu, struct ipi_sender *out, size_t n)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return ipiagg_top(&t->agg, (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec,
			  window_s, class_mask, cpu, out, n);
}

void ipitrace_close(struct ipitrace *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->ncpus; i++)
		close(t->cpus[i].fd);
	if (t->inst) {
		t->api.tracefs_instance_destroy(t->inst);
		t->api.tracefs_instance_free(t->inst);
	}
	/* After the instance: kprobes enabled somewhere cannot be removed. */
	ipiprobe_destroy(&t->probes);
	if (t->tep)
		t->api.tep_free(t->tep);
	if (t->kbuf)
		t->api.kbuffer_free(t->kbuf);
	ipiagg_free(&t->agg);
	kallsyms_free(&t->ks);
	free(t->cpus);
	free(t->page);
	free(t->pend);
	free(t->csd);
	free(t->rx);
	tl_tracefs_unload(&t->api);
	free(t);
}
