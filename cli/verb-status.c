// SPDX-License-Identifier: GPL-2.0-or-later
/* tlbisoctl status: ask tlbisod for its state over the control socket. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ctlproto.h"
#include "daemon.h"
#include "verbs.h"

/* --help: to stdout, util-linux style. */
static void status_usage(void)
{
	printf("Usage:\n"
	       " tlbisoctl status [options]\n"
	       "\n"
	       "Show tlbisod's state: the isolated CPUs, their interrupt rates, the active\n"
	       "alerts and the recent history.\n"
	       "\n"
	       "Options:\n"
	       "     --json              print the status document (schema %s)\n"
	       "     --runtime-dir DIR   where tlbisod's socket is (default %s)\n"
	       " -h, --help              display this help\n"
	       "\n"
	       "Exit status: 0 ok, 1 the daemon answered with an error, 2 usage error,\n"
	       "3 tlbisod is not running or cannot be reached.\n",
	       CTL_STATUS_SCHEMA, TLBISOD_RUNTIME_DIR);
}

int verb_ctl_call_error(const struct verb_ctx *ctx, const char *runtime_dir, const struct tl_err *e,
			int code)
{
	char path[4200];

	ctl_socket_path(runtime_dir, path, sizeof(path));
	if (code == -ENOENT || code == -ECONNREFUSED)
		fprintf(stderr, "%s: tlbisod is not running (no daemon listening on %s)\n",
			ctx->prog, path);
	else if (code == -EACCES || code == -EPERM)
		fprintf(stderr,
			"%s: permission denied on %s: run as root or as a member of group "
			"tlbiso\n",
			ctx->prog, path);
	else
		fprintf(stderr, "%s: cannot talk to tlbisod: %s\n", ctx->prog, e->msg);
	return TL_EXIT_CANNOT_RUN;
}

/* A string member, or NULL: the text output tolerates a newer daemon. */
static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* A number member, or 0. */
static double jnum(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_double(v) : 0.0;
}

/* The CPU ids of an alert or event as a comma list. */
static void jcpus(json_object *o, char *out, size_t outsz)
{
	json_object *a;
	size_t n = 0;

	out[0] = '\0';
	if (!json_object_object_get_ex(o, "cpus", &a) || !json_object_is_type(a, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(a) && n < outsz; i++)
		n += snprintf(out + n, outsz - n, "%s%d", i ? "," : "",
			      json_object_get_int(json_object_array_get_idx(a, i)));
}

/* State, CPU sets, interval and the deferral verdict. */
static void print_header(json_object *st)
{
	json_object *df, *v;
	const char *missing;

	printf("tlbisod %s: %s\n", jstr(st, "version") ?: "?", jstr(st, "state") ?: "?");
	json_object_object_get_ex(st, "interval_ms", &v);
	printf("isolated CPUs: %s (from %s); housekeeping: %s; interval %d ms\n",
	       jstr(st, "isolated_cpus") ?: "?", jstr(st, "isolated_from") ?: "?",
	       jstr(st, "housekeeping_cpus") ?: "?", json_object_get_int(v));
	if (json_object_object_get_ex(st, "deferral", &df)) {
		json_object_object_get_ex(df, "expected", &v);
		missing = jstr(df, "missing");
		printf("TLB-flush deferral: %s (%s)%s%s\n",
		       json_object_get_boolean(v) ? "expected" : "not expected",
		       jstr(df, "mechanism") ?: "?", missing ? ": " : "", missing ? missing : "");
	}
}

/* IPI attribution: armed (with its lost count), off, or unavailable and why. */
static void print_attribution(json_object *st)
{
	json_object *at;
	const char *state;

	if (!json_object_object_get_ex(st, "attribution", &at) || !(state = jstr(at, "state")))
		return;
	if (!strcmp(state, "armed"))
		printf("IPI attribution: armed (%s side, tracefs instance %s), %.0f lost\n",
		       jstr(at, "kernel_path") ?: "?", jstr(at, "instance") ?: "?",
		       jnum(at, "lost"));
	else if (!strcmp(state, "unavailable"))
		printf("IPI attribution: unavailable: %s\n", jstr(at, "reason") ?: "?");
	else
		printf("IPI attribution: %s\n", state);
}

/* An alert's senders, one line each: "comm[pid] (unit) via callsite: class, N IPIs". */
static void print_senders(json_object *al)
{
	json_object *a, *pid;

	if (!json_object_object_get_ex(al, "senders", &a) ||
	    !json_object_is_type(a, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object *s = json_object_array_get_idx(a, i);
		const char *unit = jstr(s, "unit"), *cs = jstr(s, "callsite");

		if (json_object_object_get_ex(s, "pid", &pid) && pid)
			printf("    %s %s[%d]", i ? "      " : "sender", jstr(s, "comm") ?: "?",
			       json_object_get_int(pid));
		else
			printf("    %s ?", i ? "      " : "sender");
		printf("%s%s%s%s%s: %s, %.0f IPIs\n", unit && *unit ? " (" : "",
		       unit && *unit ? unit : "", unit && *unit ? ")" : "",
		       cs && *cs ? " via " : "", cs && *cs ? cs : "", jstr(s, "class") ?: "?",
		       jnum(s, "count"));
	}
}

/* One line of rates per isolated CPU. */
static void print_cpus(json_object *st)
{
	static const char *const src[] = {"TLB", "CAL", "RES", "LOC", "IWI", "IRQ"};
	json_object *a, *r, *on;

	if (!json_object_object_get_ex(st, "cpus", &a) || !json_object_array_length(a))
		return;
	printf("\n CPU online   TLB/s    CAL/s    RES/s    LOC/s    IWI/s    IRQ/s\n");
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object *c = json_object_array_get_idx(a, i);

		json_object_object_get_ex(c, "online", &on);
		json_object_object_get_ex(c, "rates", &r);
		printf("%4d %-6s", (int)jnum(c, "cpu"), json_object_get_boolean(on) ? "yes" : "no");
		for (int k = 0; k < 6; k++)
			printf(" %8.3f", jnum(r, src[k]));
		printf("\n");
	}
}

/* Active alerts with their remedy. */
static void print_alerts(json_object *st)
{
	json_object *a;
	char cpus[256];

	json_object_object_get_ex(st, "alerts", &a);
	printf("\nactive alerts: %zu\n", a ? json_object_array_length(a) : 0);
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		json_object *al = json_object_array_get_idx(a, i);

		jcpus(al, cpus, sizeof(cpus));
		/* A task alert (intruder) has no rate: its message names the tasks. */
		if (jstr(al, "source") && !strcmp(jstr(al, "source"), "task")) {
			printf("  %s %s on CPU %s since %s\n    %s\n", jstr(al, "severity"),
			       jstr(al, "type"), cpus[0] ? cpus : "-", jstr(al, "since"),
			       jstr(al, "remedy"));
			continue;
		}
		printf("  %s %s on CPU %s: %s %.3f/s > %.3f/s since %s\n    remedy: %s\n",
		       jstr(al, "severity"), jstr(al, "type"), cpus[0] ? cpus : "-",
		       jstr(al, "source"), jnum(al, "rate"), jnum(al, "threshold"),
		       jstr(al, "since"), jstr(al, "remedy"));
		print_senders(al);
	}
}

/* Housekeeping in one line, then the workloads as the engine renders them. */
static void print_hk_workloads(json_object *st)
{
	json_object *hk, *v, *wl;

	if (json_object_object_get_ex(st, "housekeeping", &hk) && hk) {
		json_object_object_get_ex(hk, "applied", &v);
		printf("\nhousekeeping: %s, %.0f change%s, %.0f drift event%s",
		       json_object_get_boolean(v) ? "applied" : "not applied", jnum(hk, "changes"),
		       jnum(hk, "changes") == 1 ? "" : "s", jnum(hk, "drift_events"),
		       jnum(hk, "drift_events") == 1 ? "" : "s");
		if (json_object_object_get_ex(hk, "unmovable_irqs", &v) &&
		    json_object_array_length(v))
			printf(", unmovable IRQs %s", json_object_to_json_string(v));
		printf("\n");
		if (jstr(hk, "last_error"))
			printf("  last error: %s\n", jstr(hk, "last_error"));
	}
	if (json_object_object_get_ex(st, "workloads", &wl) && wl) {
		printf("\n");
		workload_status_render_text(stdout, wl);
	}
}

/* Recent events, degraded-mode notes and a refused reload. */
static void print_history_notes(json_object *st)
{
	json_object *a;
	char cpus[256];
	const char *rl;

	if (json_object_object_get_ex(st, "history", &a) && json_object_array_length(a)) {
		printf("\nrecent events:\n");
		for (size_t i = 0; i < json_object_array_length(a); i++) {
			json_object *h = json_object_array_get_idx(a, i);

			jcpus(h, cpus, sizeof(cpus));
			printf("  %s %-7s %s on CPU %s\n", jstr(h, "time"), jstr(h, "event"),
			       jstr(h, "type"), cpus[0] ? cpus : "-");
		}
	}
	if (json_object_object_get_ex(st, "notes", &a))
		for (size_t i = 0; i < json_object_array_length(a); i++)
			printf("note: %s\n",
			       json_object_get_string(json_object_array_get_idx(a, i)));
	rl = jstr(st, "last_reload_error");
	if (rl)
		printf("\nlast reload refused:\n%s", rl);
}

int verb_status(struct verb_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{"runtime-dir", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *rundir = TLBISOD_RUNTIME_DIR;
	json_object *reply = NULL, *st, *ok;
	struct tl_err e = {0};
	bool json = false;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'r')
			rundir = optarg;
		else if (c == 'h')
			return status_usage(), TL_EXIT_OK;
		else
			return verb_usage_error(ctx, "status", "unknown option");
	}
	if (optind < argc)
		return verb_usage_error(ctx, "status", "unexpected argument '%s'", argv[optind]);
	r = ctl_call(rundir, CTL_CMD_STATUS, 5000, &reply, &e);
	if (r < 0)
		return verb_ctl_call_error(ctx, rundir, &e, r);
	json_object_object_get_ex(reply, "ok", &ok);
	if (!json_object_get_boolean(ok) || !json_object_object_get_ex(reply, "status", &st)) {
		fprintf(stderr, "%s status: tlbisod: %s\n", ctx->prog, jstr(reply, "error") ?: "?");
		json_object_put(reply);
		return TL_EXIT_FAIL;
	}
	if (json)
		printf("%s\n",
		       json_object_to_json_string_ext(st, JSON_C_TO_STRING_PRETTY |
								  JSON_C_TO_STRING_NOSLASHESCAPE |
								  JSON_C_TO_STRING_SPACED));
	else {
		print_header(st);
		print_attribution(st);
		print_cpus(st);
		print_alerts(st);
		print_hk_workloads(st);
		print_history_notes(st);
	}
	json_object_put(reply);
	return TL_EXIT_OK;
}
