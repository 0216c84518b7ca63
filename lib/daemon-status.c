// SPDX-License-Identifier: GPL-2.0-or-later
/* The status document (tlbiso.status/1) and the one-line STATUS= summary. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ctlproto.h"
#include "daemon.h"

void tl_iso8601(time_t t, char *out, size_t outsz)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

const char *tlbisod_state(const struct tlbisod *d)
{
	const struct alert *rg;

	if (alerts_active(&d->alerts, SEV_CRITICAL))
		return "regressed";
	for (int i = 0; i < ALERT_SLOTS; i++) {
		rg = &d->alerts.slot[i];
		if (rg->active && rg->type == AL_REGRESSION)
			return "regressed";
	}
	if (alerts_active(&d->alerts, SEV_NOTICE) || d->state_degraded || d->last_sample_failed ||
	    cpuset_empty(&d->isolated))
		return "degraded";
	return "ok";
}

/* A rate as a JSON number with three decimals (no 0.10000000000000001). */
static json_object *rate_json(double v)
{
	char s[32];

	snprintf(s, sizeof(s), "%.3f", v);
	return json_object_new_double_s(v, s);
}

/* A set as a JSON array of CPU ids, as the status contract wants. */
static json_object *cpus_json(const struct cpuset *s)
{
	json_object *a = json_object_new_array();
	int cpu;

	cpuset_for_each(cpu, s)
	{
		json_object_array_add(a, json_object_new_int(cpu));
	}
	return a;
}

/* A set as the kernel's cpulist text ("2-3"). */
static json_object *cpulist_json(const struct cpuset *s)
{
	char buf[1024];

	if (cpulist_format(s, buf, sizeof(buf)) < 0)
		snprintf(buf, sizeof(buf), "?");
	return json_object_new_string(buf);
}

/* Per isolated CPU: online, and the rate of each source over the window. */
static json_object *status_cpus(const struct tlbisod *d)
{
	json_object *a = json_object_new_array();

	for (int i = 0; d->mon_ready && i < d->mon.ncpus; i++) {
		const struct mon_cpu *c = &d->mon.cpus[i];
		json_object *o = json_object_new_object(), *r = json_object_new_object();

		json_object_object_add(o, "cpu", json_object_new_int(c->cpu));
		json_object_object_add(o, "online", json_object_new_boolean(c->online));
		json_object_object_add(o, "nohz_full", json_object_new_boolean(c->nohz_full));
		for (int k = 0; k < SRC_COUNT; k++)
			json_object_object_add(r, tl_source_name(k), rate_json(mon_cpu_rate(c, k)));
		json_object_object_add(o, "rates", r);
		if (*mon_cpu_irqs(c))
			json_object_object_add(o, "irqs", json_object_new_string(mon_cpu_irqs(c)));
		json_object_array_add(a, o);
	}
	return a;
}

/* One active alert, with everything a person needs to act on it. */
static json_object *alert_json(const struct alert *al)
{
	json_object *o = json_object_new_object();
	char t[32];

	tl_iso8601(al->since, t, sizeof(t));
	json_object_object_add(o, "type", json_object_new_string(alert_type_name(al->type)));
	json_object_object_add(o, "severity",
			       json_object_new_string(alert_severity_name(al->severity)));
	json_object_object_add(o, "cpus", cpus_json(&al->cpus));
	json_object_object_add(o, "source", json_object_new_string(alert_source_name(al->source)));
	json_object_object_add(o, "rate", rate_json(al->rate));
	json_object_object_add(o, "threshold", rate_json(al->threshold));
	json_object_object_add(o, "since", json_object_new_string(t));
	json_object_object_add(o, "since_sample", json_object_new_int64((int64_t)al->since_sample));
	json_object_object_add(o, "remedy", json_object_new_string(al->remedy));
	return o;
}

/* An IPI alert's senders while attribution is armed ([] when its window named none). */
static void alert_senders_json(const struct tlbisod *d, const struct alert *al, json_object *o)
{
	if (!d->trace || !alertsender_class_mask(al->type, al->source))
		return;
	json_object_object_add(o, "senders", alertsender_json(tlbisod_alert_senders(d, al)));
}

/* Active alerts, most severe first. */
static json_object *status_alerts(const struct tlbisod *d)
{
	json_object *a = json_object_new_array(), *o;

	for (int sev = SEV_CRITICAL; sev >= SEV_NOTICE; sev--)
		for (int i = 0; i < ALERT_SLOTS; i++)
			if (d->alerts.slot[i].active && (int)d->alerts.slot[i].severity == sev) {
				o = alert_json(&d->alerts.slot[i]);
				alert_senders_json(d, &d->alerts.slot[i], o);
				json_object_array_add(a, o);
			}
	return a;
}

/* Recent raised/cleared events, oldest first. */
static json_object *status_history(const struct tlbisod *d)
{
	const struct alert_engine *ae = &d->alerts;
	json_object *a = json_object_new_array();
	int start = (ae->hist_next - ae->hist_n + ALERT_HISTORY) % ALERT_HISTORY;

	for (int k = 0; k < ae->hist_n; k++) {
		const struct alert_hist *h = &ae->hist[(start + k) % ALERT_HISTORY];
		json_object *o = json_object_new_object();
		char t[32];

		tl_iso8601(h->time, t, sizeof(t));
		json_object_object_add(o, "event",
				       json_object_new_string(h->raised ? "raised" : "cleared"));
		json_object_object_add(o, "type", json_object_new_string(alert_type_name(h->type)));
		json_object_object_add(o, "source",
				       json_object_new_string(alert_source_name(h->source)));
		json_object_object_add(o, "cpus", cpus_json(&h->cpus));
		json_object_object_add(o, "time", json_object_new_string(t));
		json_object_object_add(o, "sample", json_object_new_int64((int64_t)h->sample));
		json_object_array_add(a, o);
	}
	return a;
}

/* Whether deferral should be in force, by which mechanism, and what is missing. */
static json_object *status_deferral(const struct tlbisod *d)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "expected", json_object_new_boolean(d->deferral.expected));
	json_object_object_add(
		o, "mechanism",
		json_object_new_string(deferral_mechanism_name(d->deferral.mechanism)));
	if (!d->deferral.expected && d->deferral.missing[0])
		json_object_object_add(o, "missing", json_object_new_string(d->deferral.missing));
	return o;
}

/* Why the daemon is degraded beyond alerts: each reason a sentence. */
static json_object *status_notes(const struct tlbisod *d)
{
	json_object *a = json_object_new_array();
	char buf[TL_ERR_MSG_MAX + 128];

	if (cpuset_empty(&d->isolated))
		json_object_array_add(a,
				      json_object_new_string("no isolated CPUs: nothing to watch"));
	if (d->state_degraded) {
		snprintf(buf, sizeof(buf),
			 "state file not writable (%s): a lost deferral will not "
			 "be noticed at the next boot",
			 d->state_error);
		json_object_array_add(a, json_object_new_string(buf));
	}
	if (d->last_sample_failed) {
		snprintf(buf, sizeof(buf), "last sample failed: %s", d->sample_error);
		json_object_array_add(a, json_object_new_string(buf));
	}
	if (d->pin_note[0])
		json_object_array_add(a, json_object_new_string(d->pin_note));
	if (d->checks_note[0])
		json_object_array_add(a, json_object_new_string(d->checks_note));
	if (d->prom_error[0])
		json_object_array_add(a, json_object_new_string(d->prom_error));
	return a;
}

/* Counters and times that say the daemon is alive. */
static void status_counters(const struct tlbisod *d, json_object *o)
{
	char t[32];

	json_object_object_add(o, "samples", json_object_new_int64((int64_t)d->samples_ok));
	json_object_object_add(o, "sample_errors",
			       json_object_new_int64((int64_t)d->sample_errors));
	if (d->last_sample) {
		tl_iso8601(d->last_sample, t, sizeof(t));
		json_object_object_add(o, "last_sample", json_object_new_string(t));
	} else {
		json_object_object_add(o, "last_sample", NULL);
	}
}

json_object *tlbisod_status(const struct tlbisod *d)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "schema", json_object_new_string(CTL_STATUS_SCHEMA));
	json_object_object_add(o, "version", json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(o, "state", json_object_new_string(tlbisod_state(d)));
	json_object_object_add(o, "isolated_cpus", cpulist_json(&d->isolated));
	json_object_object_add(o, "housekeeping_cpus", cpulist_json(&d->housekeeping));
	json_object_object_add(o, "nohz_full_cpus", cpulist_json(&d->nohz));
	json_object_object_add(o, "isolated_from",
			       json_object_new_string(isol_origin_name(d->origin)));
	json_object_object_add(o, "interval_ms", json_object_new_int(d->conf.monitor.interval_ms));
	json_object_object_add(o, "deferral", status_deferral(d));
	json_object_object_add(o, "cpus", status_cpus(d));
	json_object_object_add(o, "alerts", status_alerts(d));
	json_object_object_add(o, "history", status_history(d));
	json_object_object_add(o, "notes", status_notes(d));
	status_counters(d, o);
	json_object_object_add(o, "housekeeping", tlbisod_hk_status(d));
	json_object_object_add(o, "workloads",
			       d->wl_ready ? workload_engine_status_json(&d->wl) : NULL);
	json_object_object_add(o, "intruders", tlbisod_intruders_status(d));
	json_object_object_add(o, "attribution", tlbisod_attr_status(d));
	json_object_object_add(o, "last_reload_error",
			       d->reload_failed ? json_object_new_string(d->last_reload_error)
						: NULL);
	return o;
}

void tlbisod_status_line(const struct tlbisod *d, char *out, size_t outsz)
{
	char iso[256], t[32] = "never";
	struct tm tm;

	if (cpulist_format(&d->isolated, iso, sizeof(iso)) < 0)
		snprintf(iso, sizeof(iso), "?");
	if (d->last_sample) {
		localtime_r(&d->last_sample, &tm);
		strftime(t, sizeof(t), "%H:%M:%S", &tm);
	}
	snprintf(out, outsz, "%s; isolated %s; %d alert%s active; last sample %s%s",
		 tlbisod_state(d), iso[0] ? iso : "none", alerts_active(&d->alerts, SEV_NOTICE),
		 alerts_active(&d->alerts, SEV_NOTICE) == 1 ? "" : "s", t,
		 d->reload_failed ? "; last reload refused" : "");
}
