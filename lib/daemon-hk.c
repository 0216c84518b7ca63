// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tlbisod's housekeeping and workloads: start (replay a crash's journal,
 * apply), the slow tick (drift, the workload engine, the intruder alert),
 * stop (restore), and their part of the status document. Like the loop,
 * this is the daemon's edge for these modules: it logs their reports.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "alert-ids.h"
#include "daemon.h"
#include "workload-conf.h"

/* Log one housekeeping note with its kind, knob and object as journal fields. */
static void log_note(const struct tlbisod *d, const struct hk_note *n)
{
	char f[3][128];
	const char *fields[4] = {f[0], f[1], f[2], NULL};
	int prio = n->kind == HK_NOTE_ERROR				    ? LOG_ERR
		   : n->kind == HK_NOTE_WARN || n->kind == HK_NOTE_REFUSED  ? LOG_WARNING
		   : n->kind == HK_NOTE_DRIFT || n->kind == HK_NOTE_FOREIGN ? LOG_NOTICE
									    : LOG_INFO;

	snprintf(f[0], sizeof(f[0]), "MESSAGE_ID=%s", TLBISOD_MESSAGE_ID_HOUSEKEEPING);
	snprintf(f[1], sizeof(f[1]), "TLBISO_HK_NOTE=%s", hk_note_kind_name(n->kind));
	snprintf(f[2], sizeof(f[2]), "TLBISO_HK_KNOB=%s", n->knob);
	tl_log_fields(d->log, prio, fields, "housekeeping %s %s %s: %s", hk_note_kind_name(n->kind),
		      n->knob, n->what, n->msg);
}

/* Log every note of a report, count changes and drift, and keep the last error. */
static void log_report(struct tlbisod *d, const struct hk_report *r)
{
	for (int i = 0; i < r->n; i++) {
		log_note(d, &r->items[i]);
		if (r->items[i].kind == HK_NOTE_ERROR)
			snprintf(d->hk_error, sizeof(d->hk_error), "%s %s: %s", r->items[i].knob,
				 r->items[i].what, r->items[i].msg);
	}
	d->hk_changes += (unsigned long)r->count[HK_NOTE_APPLIED];
	d->hk_drift_events += (unsigned long)r->count[HK_NOTE_DRIFT];
}

/* A one-line summary, so a restore is visible even when the notes are many. */
static void log_summary(const struct tlbisod *d, const char *what, const struct hk_report *r)
{
	tl_log(d->log, LOG_INFO,
	       "housekeeping %s: %d applied, %d restored, %d drifted, %d unmovable, %d errors",
	       what, r->count[HK_NOTE_APPLIED], r->count[HK_NOTE_RESTORED], r->count[HK_NOTE_DRIFT],
	       r->count[HK_NOTE_UNMOVABLE], r->count[HK_NOTE_ERROR]);
}

/*
 * Always called: even with apply off, hk_start replays a journal a crash
 * left behind, so the originals come back on the next start (principle 3).
 */
void tlbisod_hk_start(struct tlbisod *d)
{
	struct hk_config conf = d->conf.hk;
	struct hk_report rep = {0};
	struct tl_err e = {0};

	if (d->hk_suspended)
		conf.apply = false;
	/* The journal lives there; the loop creates it for the socket only later. */
	if (mkdir(d->opt.runtime_dir, 0755) < 0 && errno != EEXIST)
		tl_log(d->log, LOG_WARNING, "%s: %s", d->opt.runtime_dir, strerror(errno));
	memset(&d->hk, 0, sizeof(d->hk));
	d->hk_applied = false;
	if (hk_start(&d->hk, &conf, &d->path, &d->isolated, &d->housekeeping, d->opt.runtime_dir,
		     &rep, &e) < 0) {
		snprintf(d->hk_error, sizeof(d->hk_error), "%s", e.msg);
		tl_log(d->log, LOG_ERR, "housekeeping not applied: %s", e.msg);
	} else {
		d->hk_applied = d->hk.active;
	}
	log_report(d, &rep);
	if (rep.n || d->hk_applied)
		log_summary(d, "start", &rep);
	hk_report_free(&rep);
}

void tlbisod_hk_stop(struct tlbisod *d)
{
	struct hk_report rep = {0};

	if (!d->hk.p)
		return;
	hk_stop(&d->hk, &rep);
	log_report(d, &rep);
	if (rep.n || d->hk_applied)
		log_summary(d, "restore", &rep);
	d->hk_applied = false;
	hk_report_free(&rep);
}

/* Log one workload finding; an apply failure is also kept for status. */
static void log_finding(struct tlbisod *d, const struct wl_finding *f)
{
	if (f->kind == WL_FINDING_APPLY_FAILED) {
		tl_log(d->log, LOG_WARNING, "workload %s: pid %d (%s): %s", f->rule, (int)f->pid,
		       f->comm, f->msg);
		snprintf(d->wl_error, sizeof(d->wl_error), "%s: pid %d (%s): %s", f->rule,
			 (int)f->pid, f->comm, f->msg);
	} else if (d->opt.verbose) {
		tl_log(d->log, LOG_DEBUG, "intruder: pid %d (%s) on CPU %d", (int)f->pid, f->comm,
		       f->cpu);
	}
}

/* Was pid among the intruders of the previous tick? */
static bool intruder_known(const struct tlbisod *d, pid_t pid)
{
	for (int i = 0; i < d->nintruders; i++)
		if (d->intruders[i].pid == pid)
			return true;
	return false;
}

/*
 * Keep this tick's intruders, one per process, logging each one not seen at
 * the previous tick; name them in what for the alert's message.
 */
static void collect_intruders(struct tlbisod *d, const struct wl_findings *fs, struct cpuset *cpus,
			      char *what, size_t whatsz)
{
	struct tlbisod_intruder cur[WL_FINDINGS_MAX];
	size_t n = 0;
	int nc = 0;

	cpuset_zero(cpus);
	what[0] = '\0';
	for (int i = 0; i < fs->n; i++) {
		const struct wl_finding *f = &fs->items[i];
		bool dup = false;

		if (f->kind != WL_FINDING_INTRUDER || f->cpu < 0)
			continue;
		cpuset_set(cpus, f->cpu);
		for (int j = 0; j < nc; j++)
			dup |= cur[j].pid == f->pid;
		if (dup)
			continue;
		cur[nc].pid = f->pid;
		cur[nc].cpu = f->cpu;
		snprintf(cur[nc].comm, sizeof(cur[nc].comm), "%s", f->comm);
		if (!intruder_known(d, f->pid))
			tl_log(d->log, LOG_NOTICE,
			       "intruder: pid %d (%s) runs on isolated CPU %d in no workload rule",
			       (int)f->pid, f->comm, f->cpu);
		if (n < whatsz)
			n += snprintf(what + n, whatsz - n, "%spid %d (%s) on CPU %d",
				      nc ? ", " : "", (int)f->pid, f->comm, f->cpu);
		nc++;
	}
	memcpy(d->intruders, cur, sizeof(cur[0]) * (size_t)nc);
	d->nintruders = nc;
}

/* Step the intruder alert from one tick's findings. */
static int step_intruders(struct tlbisod *d, const struct wl_findings *fs, struct alert_event *ev,
			  int maxev)
{
	struct cpuset cpus;
	char what[260];
	const struct alert *a;
	int r;

	collect_intruders(d, fs, &cpus, what, sizeof(what));
	r = alerts_step_intruder(&d->alerts, d->nintruders > 0, &cpus, what,
				 d->conf.monitor.clear_after, time(NULL),
				 d->mon_ready ? d->mon.samples : 0, &a);
	if (!r || maxev < 1)
		return 0;
	ev[0].raised = r > 0;
	ev[0].a = a;
	return 1;
}

void tlbisod_wl_readable(struct tlbisod *d)
{
	struct wl_findings fs = {0};
	struct tl_err e = {0};

	if (!d->wl_ready)
		return;
	if (workload_engine_on_readable(&d->wl, &fs, &e) < 0)
		tl_log(d->log, LOG_WARNING, "workload events: %s", e.msg);
	for (int i = 0; i < fs.n; i++)
		log_finding(d, &fs.items[i]);
}

/* One workload tick: log the findings and, unless at start, step the intruder alert. */
static int wl_tick(struct tlbisod *d, struct alert_event *ev, int maxev, bool step)
{
	struct wl_findings fs = {0};
	struct tl_err e = {0};

	if (!d->wl_ready)
		return 0;
	if (workload_engine_tick(&d->wl, &fs, &e) < 0)
		tl_log(d->log, LOG_WARNING, "workload tick: %s", e.msg);
	for (int i = 0; i < fs.n; i++)
		log_finding(d, &fs.items[i]);
	return step ? step_intruders(d, &fs, ev, maxev) : 0;
}

void tlbisod_wl_start(struct tlbisod *d)
{
	struct tl_err e = {0};

	d->wl_ready = false;
	d->wl_error[0] = '\0';
	if (!d->conf.workloads || !d->conf.workloads->n)
		return;
	if (workload_engine_init(&d->wl, d->conf.workloads, &d->path, &d->isolated, &e) < 0) {
		snprintf(d->wl_error, sizeof(d->wl_error), "%s", e.msg);
		tl_log(d->log, LOG_ERR, "workload engine not started: %s", e.msg);
		return;
	}
	d->wl_ready = true;
	if (d->wl.pe_error[0])
		tl_log(d->log, LOG_NOTICE,
		       "process events unavailable (%s): scanning /proc each tick", d->wl.pe_error);
	/* The first tick scans every process; its intruders are raised by the first slow tick. */
	wl_tick(d, NULL, 0, false);
	tl_log(d->log, LOG_INFO, "workload engine: %d rule(s), %s", d->conf.workloads->n,
	       workload_engine_fd(&d->wl) >= 0 ? "process events" : "scanning");
}

void tlbisod_wl_stop(struct tlbisod *d)
{
	if (d->wl_ready)
		workload_engine_free(&d->wl);
	d->wl_ready = false;
}

int tlbisod_slow_tick(struct tlbisod *d, struct alert_event *ev, int maxev)
{
	struct hk_report rep = {0};

	d->slow_ticks++;
	if (d->hk_applied) {
		hk_tick(&d->hk, &rep);
		log_report(d, &rep);
		hk_report_free(&rep);
	}
	return wl_tick(d, ev, maxev, true);
}

json_object *tlbisod_intruders_status(const struct tlbisod *d)
{
	json_object *a = json_object_new_array();

	for (int i = 0; i < d->nintruders; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "pid", json_object_new_int(d->intruders[i].pid));
		json_object_object_add(o, "comm", json_object_new_string(d->intruders[i].comm));
		json_object_object_add(o, "cpu", json_object_new_int(d->intruders[i].cpu));
		json_object_array_add(a, o);
	}
	return a;
}

json_object *tlbisod_hk_status(const struct tlbisod *d)
{
	json_object *o = json_object_new_object(), *u = json_object_new_array();

	for (int i = 0; i < d->hk.unmovable.n; i++)
		json_object_array_add(u, json_object_new_int(d->hk.unmovable.irqs[i]));
	json_object_object_add(o, "applied", json_object_new_boolean(d->hk_applied));
	json_object_object_add(o, "suspended", json_object_new_boolean(d->hk_suspended));
	json_object_object_add(o, "changes", json_object_new_int64((int64_t)d->hk_changes));
	json_object_object_add(o, "unmovable_irqs", u);
	json_object_object_add(o, "drift_events",
			       json_object_new_int64((int64_t)d->hk_drift_events));
	json_object_object_add(o, "last_error",
			       d->hk_error[0] ? json_object_new_string(d->hk_error) : NULL);
	return o;
}
