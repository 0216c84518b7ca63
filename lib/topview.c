// SPDX-License-Identifier: GPL-2.0-or-later
/* `tlbisoctl top`: rows of per-CPU rates, alert state and sender, as a screen or a line. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topview.h"

#define ANSI_RED     "\033[1;31m"
#define ANSI_YELLOW  "\033[33m"
#define ANSI_BOLD    "\033[1m"
#define ANSI_REVERSE "\033[7m"
#define ANSI_OFF     "\033[0m"

int topview_init(struct topview *v, const struct cpuset *cpus, const double *threshold,
		 unsigned interval_ms)
{
	int cpu, i = 0;

	memset(v, 0, sizeof(*v));
	v->rows = calloc((size_t)cpuset_count(cpus) + 1, sizeof(*v->rows));
	if (!v->rows)
		return -ENOMEM;
	cpuset_for_each(cpu, cpus)
	{
		v->rows[i].cpu = cpu;
		snprintf(v->rows[i].state, sizeof(v->rows[i].state), "-");
		i++;
	}
	v->nrows = i;
	memcpy(v->threshold, threshold, sizeof(v->threshold));
	v->interval_ms = interval_ms;
	return 0;
}

void topview_free(struct topview *v)
{
	free(v->rows);
	memset(v, 0, sizeof(*v));
}

void topview_from_monitor(struct topview *v, const struct monitor *m)
{
	for (int i = 0; i < v->nrows; i++) {
		const struct mon_cpu *c = monitor_cpu(m, v->rows[i].cpu);

		v->rows[i].online = c && c->online;
		v->rows[i].valid = c && c->valid;
		for (int s = 0; s < SRC_COUNT; s++)
			v->rows[i].rate[s] = c && c->valid ? mon_cpu_rate(c, s) : 0;
	}
}

/* True when a JSON array of CPU numbers holds cpu. */
static bool json_cpus_has(struct json_object *arr, int cpu)
{
	size_t n = json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;

	for (size_t i = 0; i < n; i++)
		if (json_object_get_int(json_object_array_get_idx(arr, i)) == cpu)
			return true;
	return false;
}

/* "comm[pid] class count" of a status sender object, as our own tracer's senders read. */
static void sender_text(struct json_object *s, char *out, size_t outsz)
{
	struct json_object *pid = NULL, *comm = NULL, *cls = NULL, *count = NULL;

	json_object_object_get_ex(s, "pid", &pid);
	json_object_object_get_ex(s, "comm", &comm);
	json_object_object_get_ex(s, "class", &cls);
	json_object_object_get_ex(s, "count", &count);
	if (pid)
		snprintf(out, outsz, "%s[%d] %s %lld", json_object_get_string(comm) ?: "?",
			 json_object_get_int(pid), json_object_get_string(cls) ?: "?",
			 (long long)json_object_get_int64(count));
	else
		snprintf(out, outsz, "? %s %lld", json_object_get_string(cls) ?: "?",
			 (long long)json_object_get_int64(count));
}

/* The top sender the daemon names in an alert for cpu, "" when none does. */
static void status_sender_for(struct json_object *alerts, int cpu, char *out, size_t outsz)
{
	size_t n =
		json_object_is_type(alerts, json_type_array) ? json_object_array_length(alerts) : 0;
	struct json_object *a, *cpus, *senders;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		a = json_object_array_get_idx(alerts, i);
		if (json_object_object_get_ex(a, "cpus", &cpus) && json_cpus_has(cpus, cpu) &&
		    json_object_object_get_ex(a, "senders", &senders) &&
		    json_object_is_type(senders, json_type_array) &&
		    json_object_array_length(senders) > 0)
			return sender_text(json_object_array_get_idx(senders, 0), out, outsz);
	}
}

/* Is the daemon's tracer armed (its alerts then carry senders)? */
static bool status_attribution(struct json_object *status)
{
	struct json_object *at, *state;

	return status && json_object_object_get_ex(status, "attribution", &at) &&
	       json_object_object_get_ex(at, "state", &state) &&
	       !strcmp(json_object_get_string(state) ?: "", "armed");
}

/* The alert type of the first active alert that names cpu, or NULL. */
static const char *status_alert_for(struct json_object *alerts, int cpu)
{
	size_t n =
		json_object_is_type(alerts, json_type_array) ? json_object_array_length(alerts) : 0;
	struct json_object *a, *cpus, *type;

	for (size_t i = 0; i < n; i++) {
		a = json_object_array_get_idx(alerts, i);
		if (json_object_object_get_ex(a, "cpus", &cpus) && json_cpus_has(cpus, cpu) &&
		    json_object_object_get_ex(a, "type", &type))
			return json_object_get_string(type);
	}
	return NULL;
}

void topview_from_status(struct topview *v, struct json_object *status)
{
	struct json_object *alerts = NULL, *state = NULL;

	v->daemon[0] = '\0';
	v->daemon_attribution = status_attribution(status);
	if (status && json_object_object_get_ex(status, "state", &state))
		snprintf(v->daemon, sizeof(v->daemon), "%s", json_object_get_string(state));
	if (status)
		json_object_object_get_ex(status, "alerts", &alerts);
	for (int i = 0; i < v->nrows; i++) {
		const char *a = status ? status_alert_for(alerts, v->rows[i].cpu) : NULL;

		snprintf(v->rows[i].state, sizeof(v->rows[i].state), "%s",
			 a	  ? a
			 : status ? "ok"
				  : "-");
		v->rows[i].alert = a != NULL;
		if (!v->attribution)
			status_sender_for(v->daemon_attribution ? alerts : NULL, v->rows[i].cpu,
					  v->rows[i].sender, sizeof(v->rows[i].sender));
	}
}

void topview_set_sender(struct topview *v, int cpu, const char *text)
{
	for (int i = 0; i < v->nrows; i++)
		if (v->rows[i].cpu == cpu)
			snprintf(v->rows[i].sender, sizeof(v->rows[i].sender), "%s", text);
}

/* Append formatted text to the frame, growing the buffer. */
__attribute__((format(printf, 2, 3))) static int emit(struct tl_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || tl_buf_reserve(b, b->len + (size_t)n + 1) < 0)
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

/* One rate cell, red when over its threshold (a threshold of 0 means none). */
static void emit_rate(struct tl_buf *b, const struct topview *v, const struct topview_row *r, int s,
		      bool color)
{
	bool over = r->valid && v->threshold[s] > 0 && r->rate[s] > v->threshold[s];

	if (!r->online)
		emit(b, " %8s", "off");
	else if (!r->valid)
		emit(b, " %8s", "...");
	else if (over && color)
		emit(b, " " ANSI_RED "%8.1f" ANSI_OFF, r->rate[s]);
	else
		emit(b, " %8.1f%s", r->rate[s], over && !color ? "!" : "");
}

/* One CPU row, clipped to the screen width by the sender column only. */
static void emit_row(struct tl_buf *b, const struct topview *v, const struct topview_row *r,
		     int cols, bool color)
{
	int used = 5 + 9 * SRC_COUNT + 1 + 20 + 1;

	emit(b, "%5d", r->cpu);
	for (int s = 0; s < SRC_COUNT; s++)
		emit_rate(b, v, r, s, color);
	if (r->alert && color)
		emit(b, " " ANSI_YELLOW "%-20.20s" ANSI_OFF, r->state);
	else
		emit(b, " %-20.20s", r->state);
	if ((v->attribution || v->daemon_attribution) && cols > used)
		emit(b, " %.*s", cols - used, r->sender[0] ? r->sender : "-");
	emit(b, "\033[K\r\n");
}

int topview_render_screen(const struct topview *v, int cols, int lines, bool color,
			  struct tl_buf *out)
{
	int shown = v->nrows < lines - 3 ? v->nrows : lines - 3;

	out->len = 0;
	emit(out, "\033[H");
	emit(out, "%stlbiso top%s  interval %u ms  daemon: %s%s\033[K\r\n", color ? ANSI_BOLD : "",
	     color ? ANSI_OFF : "", v->interval_ms, v->daemon[0] ? v->daemon : "not running",
	     v->attribution	     ? "  attribution: on"
	     : v->daemon_attribution ? "  attribution: the daemon's alerts"
				     : "");
	emit(out, "%s%5s", color ? ANSI_REVERSE : "", "CPU");
	for (int s = 0; s < SRC_COUNT; s++)
		emit(out, " %6s/s", tl_source_name(s));
	emit(out, " %-20s%s%s\033[K\r\n", "STATE",
	     v->attribution || v->daemon_attribution ? " TOP SENDER" : "", color ? ANSI_OFF : "");
	for (int i = 0; i < shown; i++)
		emit_row(out, v, &v->rows[i], cols, color);
	if (shown < v->nrows)
		emit(out, "  ... %d more CPUs (enlarge the window)\033[K\r\n", v->nrows - shown);
	emit(out, "q quits\033[K\033[J");
	return out->data ? 0 : -ENOMEM;
}

int topview_render_line(const struct topview *v, const char *clock, struct tl_buf *out)
{
	out->len = 0;
	emit(out, "%s", clock);
	for (int i = 0; i < v->nrows; i++) {
		const struct topview_row *r = &v->rows[i];

		emit(out, "%s cpu%d", i ? ";" : "", r->cpu);
		for (int s = 0; s < SRC_COUNT; s++) {
			if (r->valid)
				emit(out, " %s=%.1f", tl_source_name(s), r->rate[s]);
			else
				emit(out, " %s=%s", tl_source_name(s), r->online ? "-" : "off");
		}
		emit(out, " state=%s", r->state);
		if ((v->attribution || v->daemon_attribution) && r->sender[0])
			emit(out, " sender=\"%s\"", r->sender);
	}
	emit(out, "\n");
	return out->data ? 0 : -ENOMEM;
}
