/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rendering an IPI attribution: the table `tlbisoctl trace` prints, and the
 * JSON document of schema "tlbiso.trace/1".
 */
#ifndef TLBISO_IPIREPORT_H
#define TLBISO_IPIREPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "ipiagg.h"

#define IPIREPORT_SCHEMA "tlbiso.trace/1"

struct ipireport_meta {
	const char *kernel_path; /* "sender" or "receiver" */
	const char *cpus;	 /* the target cpulist */
	double duration_s;
	uint64_t lost;
	bool symbols_hidden;
};

/* The whole document; the caller puts it. NULL on allocation failure. */
struct json_object *ipireport_json(const struct ipiagg *a, const struct ipireport_meta *m);

/* A table sorted by count, one line per (target, sender, callsite, callback). */
int ipireport_table(FILE *out, const struct ipiagg *a, const struct ipireport_meta *m);

#endif
