/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tlbisod's state and its steps: start (config, the isolated set from the
 * same facts as `tlbisoctl check`, pinning, the state file), one sample,
 * reload, and the status document. The event loop (daemon-loop.c) and the
 * outputs (daemon-out.c) drive these; daemon/tlbisod.c only parses options.
 */
#ifndef TLBISO_DAEMON_H
#define TLBISO_DAEMON_H

#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "alert.h"
#include "alertsender.h"
#include "buf.h"
#include "conf.h"
#include "cpuset.h"
#include "deferral.h"
#include "facts.h"
#include "housekeeping.h"
#include "ipitrace.h"
#include "log.h"
#include "monitor.h"
#include "path.h"
#include "workload-engine.h"

#define TLBISOD_RUNTIME_DIR "/run/tlbiso"
#define TLBISOD_STATE_DIR   "/var/lib/tlbiso"

struct tlbisod_opts {
	char config[PATH_MAX];
	bool config_given;	/* --config: the file must exist */
	char sysroot[PATH_MAX]; /* "" for the live system */
	char runtime_dir[PATH_MAX];
	char state_dir[PATH_MAX];
	bool verbose;
};

/* One check result kept for the Prometheus textfile. */
struct tlbisod_check {
	char id[48];
	int status; /* enum check_status */
};

struct tlbisod {
	struct tlbisod_opts opt;
	const struct tl_logger *log;
	struct tl_config conf;
	struct tl_path path;
	bool path_open;

	/* what the facts said at start (or at the last reload that changed the CPU sets) */
	struct cpuset isolated, housekeeping, nohz;
	enum isol_origin origin;
	struct deferral_verdict deferral;
	char release[128], boot_id[64];
	struct tlbisod_check *checks;
	int nchecks;
	char checks_note[TL_ERR_MSG_MAX + 64]; /* why checks are missing, "" when they ran */

	struct monitor mon;
	bool mon_ready;
	struct alert_engine alerts;

	/* degraded modes and errors shown in status */
	bool state_degraded;
	char state_error[TL_ERR_MSG_MAX];
	char pin_note[160];
	bool reload_failed;
	char last_reload_error[2048];
	uint64_t samples_ok, sample_errors;
	bool last_sample_failed;
	char sample_error[TL_ERR_MSG_MAX];
	time_t last_sample;

	/* housekeeping and workloads (daemon-hk.c) */
	struct hk_state hk;
	bool hk_applied;   /* hk_start succeeded, hk_stop not yet run */
	bool hk_suspended; /* the `restore` command: apply is off until the next reload */
	unsigned long hk_changes, hk_drift_events;
	char hk_error[TL_ERR_MSG_MAX]; /* the last hk error, "" when none */
	struct workload_engine wl;
	bool wl_ready;
	char wl_error[TL_ERR_MSG_MAX];
	/* the intruders of the last slow tick, one per process */
	struct tlbisod_intruder {
		pid_t pid;
		int cpu;
		char comm[PROC_COMM_MAX + 1];
	} intruders[WL_FINDINGS_MAX];
	int nintruders;
	unsigned long slow_ticks;

	/* IPI attribution (daemon-attr.c): armed, off, or unavailable and why */
	struct ipitrace *trace;
	struct cpuset trace_targets;	  /* what the armed instance filters on */
	char attr_reason[TL_ERR_MSG_MAX]; /* why it is unavailable, "" when armed or off */
	uint64_t attr_lost;		  /* the tracer's lost figure at the last slow tick */
	bool attr_read_failed;		  /* the last read failed (logged once) */
	struct alert_senders senders[ALERT_SLOTS]; /* per alert slot, while it is active */

	/* outputs */
	struct tl_buf prom;  /* the textfile's chunk buffer (never the whole text) */
	size_t prom_chunk;   /* its size; 0 for the default */
	size_t prom_size;    /* bytes of the last textfile written */
	char prom_error[TL_ERR_MSG_MAX];
	uint64_t prom_hash, prom_written_ns; /* of the last textfile written */
	pid_t hook_pid;
	int hook_pidfd;
	uint64_t hook_deadline_ns, hook_last_ns;
	bool hook_ever;
	unsigned long hook_skipped;
};

/* Fill the defaults (/etc/tlbiso/tlbiso.conf, /run/tlbiso, /var/lib/tlbiso). */
void tlbisod_opts_defaults(struct tlbisod_opts *o);

/*
 * Load the config for --check-config, the start and a reload. On error the
 * problems are formatted as "file:line: message" lines into msg.
 */
int tlbisod_load_config(const struct tlbisod_opts *o, struct tl_config *c, char *msg, size_t msgsz,
			struct tl_err *e);

/*
 * Start: open the sysroot, resolve the CPU sets, pin to the housekeeping
 * CPUs, set up the monitor and compare with the state file. *lost is set when
 * the state file shows that this boot lost deferral (the alert is raised).
 * The config must be loaded into d->conf first.
 */
int tlbisod_start(struct tlbisod *d, const struct tl_logger *log, const struct alert **lost,
		  struct tl_err *e);

/* Take one sample and evaluate the alerts; returns the number of events in ev, or -errno. */
int tlbisod_sample(struct tlbisod *d, uint64_t now_ns, time_t now, struct alert_event *ev,
		   int maxev, struct tl_err *e);

/*
 * Reload the config file. A bad file is refused (the old config stays, and
 * the problems are kept for status); a good one is applied, rebuilding the
 * monitor when the CPU sets or the window changed.
 */
int tlbisod_reload(struct tlbisod *d, struct tl_err *e);

/* The status document (schema tlbiso.status/1). */
json_object *tlbisod_status(const struct tlbisod *d);

/* "ok" / "degraded" / "regressed". */
const char *tlbisod_state(const struct tlbisod *d);

/* One line for sd_notify STATUS= and the log. */
void tlbisod_status_line(const struct tlbisod *d, char *out, size_t outsz);

void tlbisod_free(struct tlbisod *d);

/*
 * Housekeeping and workloads (daemon-hk.c); each logs what it did.
 * tlbisod_hk_start: replay a leftover journal, then apply when
 * housekeeping.apply is set (and no `restore` suspended it). tlbisod_hk_stop:
 * restore everything. tlbisod_wl_start: the workload engine when rules exist,
 * with its first tick (a full scan). tlbisod_slow_tick: hk drift and the
 * workload tick with the intruder alert, whose events go to ev.
 */
void tlbisod_hk_start(struct tlbisod *d);
void tlbisod_hk_stop(struct tlbisod *d);
void tlbisod_wl_start(struct tlbisod *d);
void tlbisod_wl_stop(struct tlbisod *d);
void tlbisod_wl_readable(struct tlbisod *d);
int tlbisod_slow_tick(struct tlbisod *d, struct alert_event *ev, int maxev);

/*
 * After start-up: keep only the capabilities the loop needs (those held of
 * CAP_SYS_NICE, CAP_NET_ADMIN, CAP_SYS_RAWIO; see daemon-caps.c), uid 0
 * unchanged. desc gets the kept set as text, "none" when nothing was held.
 */
int tlbisod_drop_caps(char *desc, size_t descsz, struct tl_err *e);

/* The status parts: {"applied",...} and the engine's document (or null). */
json_object *tlbisod_hk_status(const struct tlbisod *d);
/* [{"pid","comm","cpu"}] of the last workload tick. */
json_object *tlbisod_intruders_status(const struct tlbisod *d);

/*
 * IPI attribution (daemon-attr.c), each logging what it did.
 * tlbisod_attr_apply: make the tracer match monitor.attribution and the
 * isolated set, at start and after a reload; it arms only when attribution
 * is wanted and not armed for these CPUs (each arm and disarm is an IPI to
 * every CPU). tlbisod_attr_read: read what the buffers hold, bounded, never
 * waiting (fd: one of tlbisod_attr_fds, or -1 for all). tlbisod_attr_attach:
 * after a sample, name the senders of the active alerts' windows.
 * tlbisod_attr_tick: refresh the lost figure. tlbisod_attr_stop: disarm and
 * remove the instance.
 */
void tlbisod_attr_apply(struct tlbisod *d);
int tlbisod_attr_fds(const struct tlbisod *d, int *fds, int max);
void tlbisod_attr_read(struct tlbisod *d, int fd);
void tlbisod_attr_attach(struct tlbisod *d);
void tlbisod_attr_tick(struct tlbisod *d);
void tlbisod_attr_stop(struct tlbisod *d);
/* The senders of an alert, or NULL when attribution named none. */
const struct alert_senders *tlbisod_alert_senders(const struct tlbisod *d, const struct alert *a);
/* {"state","reason","kernel_path","instance","symbols_hidden","window_s","lost"}. */
json_object *tlbisod_attr_status(const struct tlbisod *d);

/* Format a wall-clock time as ISO 8601 UTC ("2026-11-25T17:40:00Z"). */
void tl_iso8601(time_t t, char *out, size_t outsz);

#endif
