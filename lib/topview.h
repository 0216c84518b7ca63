/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The model and rendering of `tlbisoctl top`: one row per isolated CPU with
 * its TLB, CAL, RES, LOC, IWI and IRQ rates, the alert state the daemon
 * reports for it, and the top attributed sender. Rendered either as a full
 * screen (ANSI, colour above threshold) or as one line per interval for a
 * pipe. Kept apart from the terminal so tests can render into a buffer.
 */
#ifndef TLBISO_TOPVIEW_H
#define TLBISO_TOPVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "buf.h"
#include "conf.h"
#include "cpuset.h"
#include "monitor.h"

struct topview_row {
	int cpu;
	bool online, valid;	/* valid: the rates come from a delta, not a first sample */
	double rate[SRC_COUNT]; /* events/s over the last interval */
	char state[24];		/* the daemon's alert type for this CPU, "ok", or "-" */
	bool alert;
	char sender[80]; /* "comm[pid] class", "" without attribution */
};

struct topview {
	int nrows;
	struct topview_row *rows;
	double threshold[SRC_COUNT];
	char daemon[24]; /* the daemon's state, "" when none answered */
	bool attribution;	 /* our own tracer names the senders */
	bool daemon_attribution; /* the daemon's is armed: its alerts name them */
	unsigned interval_ms;
};

int topview_init(struct topview *v, const struct cpuset *cpus, const double *threshold,
		 unsigned interval_ms);
void topview_free(struct topview *v);

/* Take the rates of the last sample. */
void topview_from_monitor(struct topview *v, const struct monitor *m);

/*
 * Take the alert state from a tlbiso.status/1 document; NULL (no daemon)
 * marks every row "-". When the daemon's attribution is armed and ours is
 * not, a CPU's sender is the top one of the daemon's alert for it.
 */
void topview_from_status(struct topview *v, struct json_object *status);

/* Set one CPU's top sender line ("" to clear). */
void topview_set_sender(struct topview *v, int cpu, const char *text);

/* A full screen of cols x lines, starting with cursor-home; colour when asked. */
int topview_render_screen(const struct topview *v, int cols, int lines, bool color,
			  struct tl_buf *out);

/* One line for a pipe: "HH:MM:SS cpu1 TLB=0 CAL=3 ... state=ok [sender]; cpu2 ...". */
int topview_render_line(const struct topview *v, const char *clock, struct tl_buf *out);

#endif
