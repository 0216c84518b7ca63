// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What tlbisod tells the world after a sample: journal entries for alert
 * events, the hook, and the Prometheus textfile. The loop calls these; they
 * log their own failures, since they are the daemon's edge.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "alert-ids.h"
#include "atomicfile.h"
#include "check.h"
#include "daemon-out.h"
#include "statefile.h"

/* Longest time an unchanged textfile is left alone, in seconds. */
#define PROM_REFRESH_S 60
/* The textfile passes through a chunk of this size (tests set d->prom_chunk smaller). */
#define PROM_CHUNK (16 * 1024)

/* Journal priority of an alert event: raising follows severity, clearing is news. */
static int event_prio(const struct alert_event *ev)
{
	if (!ev->raised)
		return LOG_INFO;
	switch (ev->a->severity) {
	case SEV_CRITICAL:
		return LOG_CRIT;
	case SEV_WARNING:
		return LOG_WARNING;
	default:
		return LOG_NOTICE;
	}
}

/* The fields one alert event carries, in the journal and in the hook's environment. */
struct event_text {
	char cpus[256], rate[32], thr[32];
};

/* Format the CPUs, rate and threshold once for both outputs. */
static void event_text(const struct alert *a, struct event_text *t)
{
	if (cpulist_format(&a->cpus, t->cpus, sizeof(t->cpus)) < 0)
		snprintf(t->cpus, sizeof(t->cpus), "?");
	snprintf(t->rate, sizeof(t->rate), "%.3f", a->rate);
	snprintf(t->thr, sizeof(t->thr), "%.3f", a->threshold);
}

/* " from comm[pid] (unit) via callsite" when attribution named a sender, else "". */
static void event_from(const struct alert_senders *as, char *out, size_t outsz)
{
	char who[320];

	out[0] = '\0';
	if (!as)
		return;
	alertsender_describe(&as->s[0], who, sizeof(who));
	snprintf(out, outsz, " from %s", who);
}

/* The journal message of a raised or cleared alert. */
static void log_event_text(const struct tlbisod *d, const struct alert_event *ev,
			   const char *const *fields, const struct event_text *t,
			   const struct alert_senders *as)
{
	const struct alert *a = ev->a;
	char from[340];

	event_from(as, from, sizeof(from));
	if (a->source == ALERT_SOURCE_STATE || (a->source == ALERT_SOURCE_TASK && ev->raised))
		tl_log_fields(d->log, event_prio(ev), fields, "%s %s %s: %s",
			      alert_severity_name(a->severity), alert_type_name(a->type),
			      ev->raised ? "raised" : "cleared", a->remedy);
	else if (ev->raised)
		tl_log_fields(d->log, event_prio(ev), fields,
			      "%s %s on CPU %s: %s %s/s > %s/s%s; %s",
			      alert_severity_name(a->severity), alert_type_name(a->type),
			      t->cpus[0] ? t->cpus : "-", alert_source_name(a->source), t->rate,
			      t->thr, from, a->remedy);
	else
		tl_log_fields(d->log, event_prio(ev), fields, "cleared %s on CPU %s (%s)",
			      alert_type_name(a->type), t->cpus[0] ? t->cpus : "-",
			      alert_source_name(a->source));
}

void tlbisod_log_event(const struct tlbisod *d, const struct alert_event *ev)
{
	const struct alert *a = ev->a;
	const struct alert_senders *as = ev->raised ? tlbisod_alert_senders(d, a) : NULL;
	char f[8][320], sv[ALERTSENDER_VARS][ALERTSENDER_VAR_MAX];
	const char *fields[8 + ALERTSENDER_VARS + 1];
	struct event_text t;
	int n = 0, k;

	if (!d->conf.alerts.journal)
		return;
	event_text(a, &t);
	snprintf(f[0], sizeof(f[0]), "MESSAGE_ID=%s", alert_message_ids[a->type]);
	snprintf(f[1], sizeof(f[1]), "TLBISO_ALERT=%s", alert_type_name(a->type));
	snprintf(f[2], sizeof(f[2]), "TLBISO_EVENT=%s", ev->raised ? "raised" : "cleared");
	snprintf(f[3], sizeof(f[3]), "TLBISO_CPU=%s", t.cpus);
	snprintf(f[4], sizeof(f[4]), "TLBISO_SOURCE=%s", alert_source_name(a->source));
	snprintf(f[5], sizeof(f[5]), "TLBISO_RATE=%s", t.rate);
	snprintf(f[6], sizeof(f[6]), "TLBISO_THRESHOLD=%s", t.thr);
	snprintf(f[7], sizeof(f[7]), "TLBISO_SEVERITY=%s", alert_severity_name(a->severity));
	for (int i = 0; i < 8; i++)
		fields[n++] = f[i];
	k = alertsender_vars(as, sv);
	for (int i = 0; i < k; i++)
		fields[n++] = sv[i];
	fields[n] = NULL;
	log_event_text(d, ev, fields, &t, as);
}

/* PATH, eight TLBISO_* variables of the alert, and the sender's. */
#define HOOK_ENV_MAX (9 + ALERTSENDER_VARS)

/* The fixed environment of a hook run: PATH and the TLBISO_* variables, nothing inherited. */
static void hook_env(const struct tlbisod *d, const struct alert_event *ev,
		     char (*buf)[ALERTSENDER_VAR_MAX], char **envp)
{
	const struct alert *a = ev->a;
	struct event_text t;
	int n = 0;

	event_text(a, &t);
	snprintf(buf[n++], ALERTSENDER_VAR_MAX,
		 "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	snprintf(buf[n++], ALERTSENDER_VAR_MAX, "TLBISO_EVENT=%s",
		 ev->raised ? "raised" : "cleared");
	snprintf(buf[n++], ALERTSENDER_VAR_MAX, "TLBISO_ALERT=%s", alert_type_name(a->type));
	snprintf(buf[n++], ALERTSENDER_VAR_MAX, "TLBISO_SEVERITY=%s",
		 alert_severity_name(a->severity));
	snprintf(buf[n++], ALERTSENDER_VAR_MAX, "TLBISO_CPUS=%s", t.cpus);
	snprintf(buf[n++], ALERTSENDER_VAR_MAX, "TLBISO_SOURCE=%s", alert_source_name(a->source));
	snprintf(buf[n++], ALERTSENDER_VAR_MAX, "TLBISO_RATE=%s", t.rate);
	snprintf(buf[n++], ALERTSENDER_VAR_MAX, "TLBISO_THRESHOLD=%s", t.thr);
	snprintf(buf[n++], ALERTSENDER_VAR_MAX, "TLBISO_REMEDY=%s", a->remedy);
	/* The top sender of a raised IPI alert, when attribution named one. */
	if (ev->raised)
		n += alertsender_vars(tlbisod_alert_senders(d, a), buf + n);
	for (int i = 0; i < n; i++)
		envp[i] = buf[i];
	envp[n] = NULL;
}

/*
 * Spawn path with execve semantics (no shell): default signal mask and
 * dispositions (the daemon blocks its signals for signalfd), stdin from
 * /dev/null, stdout and stderr inherited (the journal under systemd).
 */
static int spawn_hook(const char *path, char *const argv[], char *const envp[], pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int r;

	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
					      POSIX_SPAWN_SETSID);
	r = posix_spawn(pid, path, &fa, &at, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return -r;
}

/* Is a hook allowed now: none running, and the rate limit respected? */
static bool hook_allowed(const struct tlbisod *d, uint64_t now_ns)
{
	uint64_t gap = (uint64_t)d->conf.alerts.hook_min_interval_s * 1000000000ull;

	if (d->hook_pid > 0)
		return false;
	return !d->hook_ever || now_ns - d->hook_last_ns >= gap;
}

void tlbisod_run_hook(struct tlbisod *d, const struct alert_event *ev, uint64_t now_ns)
{
	char envbuf[HOOK_ENV_MAX][ALERTSENDER_VAR_MAX], *envp[HOOK_ENV_MAX + 1];
	char *argv[3];
	int r;

	if (!d->conf.alerts.hook[0])
		return;
	if (!hook_allowed(d, now_ns)) {
		d->hook_skipped++;
		tl_log(d->log, LOG_NOTICE, "hook %s not run for %s %s: %s", d->conf.alerts.hook,
		       ev->raised ? "raised" : "cleared", alert_type_name(ev->a->type),
		       d->hook_pid > 0 ? "the previous run is still going" : "rate limit");
		return;
	}
	hook_env(d, ev, envbuf, envp);
	argv[0] = d->conf.alerts.hook;
	argv[1] = (char *)(ev->raised ? "raised" : "cleared");
	argv[2] = NULL;
	r = spawn_hook(d->conf.alerts.hook, argv, envp, &d->hook_pid);
	if (r < 0) {
		d->hook_pid = -1;
		tl_log(d->log, LOG_ERR, "hook %s: %s", d->conf.alerts.hook, strerror(-r));
		return;
	}
	d->hook_ever = true;
	d->hook_last_ns = now_ns;
	d->hook_deadline_ns = now_ns + (uint64_t)d->conf.alerts.hook_timeout_ms * 1000000ull;
	d->hook_pidfd = (int)syscall(SYS_pidfd_open, d->hook_pid, 0);
}

/*
 * Where the textfile's text goes. It has SRC_COUNT lines per isolated CPU
 * (300 KB at 1024 CPUs), so it is never held whole: it passes through a
 * fixed chunk into the atomic file.
 */
struct prom_sink {
	char *chunk;
	size_t cap, len, total;
	struct tl_atomic_file *out;
};

/* Pass on what the chunk holds. */
static void prom_flush(struct prom_sink *s)
{
	tl_atomic_write(s->out, s->chunk, s->len);
	s->total += s->len;
	s->len = 0;
}

/* Append n bytes. */
static int prom_put(struct prom_sink *s, const char *p, size_t n)
{
	while (n) {
		size_t c = s->cap - s->len < n ? s->cap - s->len : n;

		memcpy(s->chunk + s->len, p, c);
		s->len += c;
		p += c;
		n -= c;
		if (s->len == s->cap)
			prom_flush(s);
	}
	return 0;
}

/* Append formatted text: the fixed lines, each far shorter than the line buffer. */
static __attribute__((format(printf, 2, 3))) int prom_add(struct prom_sink *s, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -EOVERFLOW;
	return prom_put(s, line, (size_t)n);
}

/* Decimal digits of v written backwards from end; returns where they start. */
static char *prom_utoa(char *end, unsigned long long v)
{
	do
		*--end = (char)('0' + v % 10);
	while (v /= 10);
	return end;
}

/* One tlbiso_interrupts_total line; without printf, as there are SRC_COUNT per isolated CPU. */
static int prom_series(struct prom_sink *s, int cpu, const char *src, unsigned long long v)
{
	static const char pre[] = "tlbiso_interrupts_total{cpu=\"", mid[] = "\",source=\"";
	char line[160], num[24], *p = line, *d;
	size_t sl = strlen(src);

	if (sl > 64)
		return -EINVAL;
	memcpy(p, pre, sizeof(pre) - 1);
	p += sizeof(pre) - 1;
	d = prom_utoa(num + sizeof(num), (unsigned long long)(cpu < 0 ? 0 : cpu));
	memcpy(p, d, (size_t)(num + sizeof(num) - d));
	p += num + sizeof(num) - d;
	memcpy(p, mid, sizeof(mid) - 1);
	p += sizeof(mid) - 1;
	memcpy(p, src, sl);
	p += sl;
	memcpy(p, "\"} ", 3);
	p += 3;
	d = prom_utoa(num + sizeof(num), v);
	memcpy(p, d, (size_t)(num + sizeof(num) - d));
	p += num + sizeof(num) - d;
	*p++ = '\n';
	return prom_put(s, line, (size_t)(p - line));
}

/* tlbiso_interrupts_total: counted deltas per isolated CPU and source since start. */
static int prom_interrupts(const struct tlbisod *d, struct prom_sink *s)
{
	int r = prom_add(s, "# HELP tlbiso_interrupts_total Interrupts counted on an isolated "
			    "CPU since tlbisod started, by source.\n"
			    "# TYPE tlbiso_interrupts_total counter\n");

	for (int i = 0; r == 0 && d->mon_ready && i < d->mon.ncpus; i++)
		for (int k = 0; r == 0 && k < SRC_COUNT; k++)
			r = prom_series(s, d->mon.cpus[i].cpu, tl_source_name(k),
					(unsigned long long)d->mon.cpus[i].total[k]);
	return r;
}

/* tlbiso_alert_active: one series per type, so that rules can use == 1 without absent(). */
static int prom_alerts(const struct tlbisod *d, struct prom_sink *s)
{
	int r = prom_add(s, "# HELP tlbiso_alert_active Whether an alert of this type is active.\n"
			    "# TYPE tlbiso_alert_active gauge\n");

	for (int t = 0; r == 0 && t < AL_TYPE_COUNT; t++) {
		int on = 0;

		for (int i = 0; i < ALERT_SLOTS; i++)
			on |= d->alerts.slot[i].active && (int)d->alerts.slot[i].type == t;
		r = prom_add(s, "tlbiso_alert_active{type=\"%s\"} %d\n", alert_type_name(t), on);
	}
	return r;
}

/* tlbiso_check_status: the checks run at start; absent when they could not run. */
static int prom_checks(const struct tlbisod *d, struct prom_sink *s)
{
	int r = 0;

	if (!d->nchecks)
		return 0;
	r = prom_add(s, "# HELP tlbiso_check_status Result of each tlbisoctl check when tlbisod "
			"started: 0 pass, 1 warn, 2 fail, 3 skip.\n"
			"# TYPE tlbiso_check_status gauge\n");
	for (int i = 0; r == 0 && i < d->nchecks; i++)
		r = prom_add(s, "tlbiso_check_status{id=\"%s\"} %d\n", d->checks[i].id,
			     d->checks[i].status);
	return r;
}

/*
 * Render the whole textfile through the sink. It reads only what
 * prom_state_hash() covers: keep the two in step.
 */
static int prom_render(const struct tlbisod *d, struct prom_sink *s)
{
	int r = prom_interrupts(d, s);

	if (r == 0)
		r = prom_alerts(d, s);
	if (r == 0)
		r = prom_add(
			s,
			"# HELP tlbiso_deferral_expected Whether TLB-flush deferral should keep "
			"kernel-range flushes off the isolated CPUs.\n"
			"# TYPE tlbiso_deferral_expected gauge\ntlbiso_deferral_expected %d\n",
			d->deferral.expected ? 1 : 0);
	if (r == 0)
		r = prom_checks(d, s);
	if (r == 0)
		r = prom_add(
			s,
			"# HELP tlbiso_build_info tlbiso version.\n"
			"# TYPE tlbiso_build_info gauge\ntlbiso_build_info{version=\"%s\"} 1\n",
			PACKAGE_VERSION);
	prom_flush(s);
	return r;
}

/* A sink over d's chunk buffer, writing to out. */
static int prom_sink_init(struct tlbisod *d, struct prom_sink *s, struct tl_atomic_file *out)
{
	size_t cap = d->prom_chunk ? d->prom_chunk : PROM_CHUNK;

	if (tl_buf_reserve(&d->prom, cap) < 0)
		return -ENOMEM;
	*s = (struct prom_sink){.chunk = d->prom.data, .cap = cap, .out = out};
	return 0;
}

/* Fold one value into a fingerprint (FNV-1a's prime, a word at a time). */
static uint64_t prom_mix(uint64_t h, uint64_t v)
{
	return ((h ^ v) * 1099511628211ull) ^ (h >> 29);
}

/* Fold a string, a byte at a time. */
static uint64_t prom_mix_str(uint64_t h, const char *s)
{
	while (*s)
		h = prom_mix(h, (unsigned char)*s++);
	return prom_mix(h, 0);
}

/*
 * A fingerprint of everything prom_render() reads, so that an unchanged
 * state costs a pass over the counters (56 bytes per isolated CPU), not
 * the rendering of 300 KB of text to find it is the same.
 */
static uint64_t prom_state_hash(const struct tlbisod *d)
{
	uint64_t h = prom_mix(14695981039346656037ull, d->mon_ready ? (uint64_t)d->mon.ncpus : 0);

	for (int i = 0; d->mon_ready && i < d->mon.ncpus; i++) {
		h = prom_mix(h, (uint64_t)d->mon.cpus[i].cpu);
		for (int k = 0; k < SRC_COUNT; k++)
			h = prom_mix(h, d->mon.cpus[i].total[k]);
	}
	for (int i = 0; i < ALERT_SLOTS; i++)
		h = prom_mix(h,
			     d->alerts.slot[i].active ? 1 + (uint64_t)d->alerts.slot[i].type : 0);
	h = prom_mix(h, d->deferral.expected);
	for (int i = 0; i < d->nchecks; i++)
		h = prom_mix(prom_mix_str(h, d->checks[i].id), (uint64_t)d->checks[i].status);
	return prom_mix(h, (uint64_t)d->nchecks);
}

/* Monotonic nanoseconds. */
static uint64_t prom_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * Rewrite only what changed: the file has SRC_COUNT lines per isolated CPU
 * and its write (render, write, rename) is most of an interval's work on a big
 * machine. It is still rewritten every PROM_REFRESH_S, so that its mtime
 * says tlbisod is alive (the staleness rule allows 300 s), and at once when
 * it has gone.
 */
static bool prom_unchanged(struct tlbisod *d, uint64_t h, uint64_t now)
{
	if (d->prom_error[0] || h != d->prom_hash ||
	    now - d->prom_written_ns >= PROM_REFRESH_S * 1000000000ull)
		return false;
	return access(d->conf.alerts.prometheus_textfile, F_OK) == 0;
}

/* Write the textfile: render it into a temporary file and rename it over the old one. */
static int prom_write(struct tlbisod *d, struct tl_err *e)
{
	struct tl_atomic_file f;
	struct prom_sink s;
	int r;

	if (tl_atomic_open(&f, d->conf.alerts.prometheus_textfile, e) < 0)
		return -e->code;
	r = prom_sink_init(d, &s, &f);
	if (r == 0)
		r = prom_render(d, &s);
	if (r < 0) {
		tl_atomic_abort(&f);
		return tl_err_set(e, -r, "rendering the textfile: %s", strerror(-r));
	}
	d->prom_size = s.total;
	/*
	 * No fsync: the file is replaced again within a minute and rebuilt at
	 * start, and a disk flush every interval is I/O (and its interrupts) on
	 * the very nodes we keep quiet. The rename alone keeps readers whole.
	 */
	return tl_atomic_commit(&f, 0644, TL_ATOMIC_NOSYNC, e);
}

void tlbisod_write_textfile(struct tlbisod *d)
{
	struct tl_err e = {0};
	uint64_t h, now = prom_now_ns();
	int r;

	if (!d->conf.alerts.prometheus_textfile[0])
		return;
	h = prom_state_hash(d);
	if (d->prom_written_ns && prom_unchanged(d, h, now))
		return;
	r = prom_write(d, &e);
	d->prom_hash = h;
	d->prom_written_ns = now;
	if (r == 0) {
		if (d->prom_error[0])
			tl_log(d->log, LOG_INFO, "prometheus textfile written again");
		d->prom_error[0] = '\0';
		return;
	}
	/* Log a failure once, not every interval. */
	if (strcmp(d->prom_error, e.msg))
		tl_log(d->log, LOG_ERR, "prometheus textfile: %s", e.msg);
	snprintf(d->prom_error, sizeof(d->prom_error), "%s", e.msg);
}
