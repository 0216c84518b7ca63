/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Output of the read-only verbs: the check report as a table or as JSON
 * (schema "tlbiso.check/1"), and the parsed /proc/interrupts table.
 * The caller decides where it goes and whether colour is wanted.
 */
#ifndef TLBISO_RENDER_H
#define TLBISO_RENDER_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

#include "check.h"
#include "facts.h"
#include "interrupts.h"

#define CHECK_SCHEMA "tlbiso.check/1"

struct render_opts {
	bool color;   /* ANSI colours (the caller honours NO_COLOR and isatty) */
	bool verbose; /* show each check's evidence */
};

/* Should output to fd be coloured: a tty, NO_COLOR unset, not disabled by the user. */
bool render_want_color(int fd, bool disabled);

void render_check_text(FILE *out, const struct tl_facts *f, const struct check_report *r,
		       const struct render_opts *o);

/* The whole report as a new JSON object (caller puts it). */
json_object *render_check_json(const struct tl_facts *f, const struct check_report *r);

/* {"cpus":[..],"rows":[{"name","description","counts"}],"global":[{"name","value"}]} */
json_object *render_interrupts_json(const struct irq_table *t);
void render_interrupts_text(FILE *out, const struct irq_table *t);

#endif
