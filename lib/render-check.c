// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The check report for people (a table, remedies under what needs one, a
 * summary line last) and for programs (JSON with a versioned schema).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render.h"

#define C_RESET "\033[0m"

bool render_want_color(int fd, bool disabled)
{
	const char *nc = getenv("NO_COLOR");

	if (disabled || (nc && *nc))
		return false;
	return isatty(fd);
}

/* Colour per status: green, yellow, red, dim. */
static const char *status_color(enum check_status s)
{
	static const char *const c[] = {"\033[32m", "\033[33m", "\033[1;31m", "\033[2m"};

	return s < CHECK_STATUS_COUNT ? c[s] : "";
}

/* Upper-case status word, coloured when wanted. */
static void print_status(FILE *out, enum check_status s, bool color)
{
	char word[8];
	size_t i;

	snprintf(word, sizeof(word), "%s", check_status_name(s));
	for (i = 0; word[i]; i++)
		word[i] = (char)(word[i] - 'a' + 'A');
	if (color)
		fprintf(out, "%s%-4s%s", status_color(s), word, C_RESET);
	else
		fprintf(out, "%-4s", word);
}

/* One check: status, id, summary; then remedy and (verbose) evidence. */
static void print_result(FILE *out, const struct check_result *res, const struct render_opts *o)
{
	fputs("  ", out);
	print_status(out, res->status, o->color);
	fprintf(out, "  %-28s %s%s\n", res->id, res->summary, res->live ? " [live]" : "");
	if (res->remedy[0] &&
	    (res->status == CHECK_FAIL || res->status == CHECK_WARN || o->verbose))
		fprintf(out, "        %-28s remedy: %s\n", "", res->remedy);
	if (o->verbose)
		fprintf(out, "        %-28s evidence: %s\n", "",
			json_object_to_json_string_ext(res->evidence, JSON_C_TO_STRING_PLAIN));
}

void render_check_text(FILE *out, const struct tl_facts *f, const struct check_report *r,
		       const struct render_opts *o)
{
	char iso[256] = "", hk[256] = "";

	cpulist_format(&r->isolated, iso, sizeof(iso));
	cpulist_format(&r->housekeeping, hk, sizeof(hk));
	fprintf(out, "kernel %s; isolated CPUs: %s (%s); housekeeping CPUs: %s\n\n", f->release,
		iso[0] ? iso : "none", isol_origin_name(r->origin), hk[0] ? hk : "none");
	for (int i = 0; i < r->n; i++)
		print_result(out, &r->results[i], o);
	fprintf(out, "\n%d checks: %d pass, %d warn, %d fail, %d skip\n", r->n,
		r->counts[CHECK_PASS], r->counts[CHECK_WARN], r->counts[CHECK_FAIL],
		r->counts[CHECK_SKIP]);
}

/* One result as JSON; the evidence is shared by reference. */
static json_object *result_json(const struct check_result *res)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_string(res->id));
	json_object_object_add(o, "status", json_object_new_string(check_status_name(res->status)));
	json_object_object_add(o, "live", json_object_new_boolean(res->live));
	json_object_object_add(o, "summary", json_object_new_string(res->summary));
	json_object_object_add(o, "evidence", json_object_get(res->evidence));
	json_object_object_add(o, "remedy", json_object_new_string(res->remedy));
	return o;
}

/* Cpulist string for the JSON header. */
static json_object *cpus_json(const struct cpuset *s)
{
	char buf[2048];

	if (cpulist_format(s, buf, sizeof(buf)) < 0)
		buf[0] = '\0';
	return json_object_new_string(buf);
}

json_object *render_check_json(const struct tl_facts *f, const struct check_report *r)
{
	json_object *o = json_object_new_object(), *k = json_object_new_object();
	json_object *checks = json_object_new_array(), *sum = json_object_new_object();

	json_object_object_add(o, "schema", json_object_new_string(CHECK_SCHEMA));
	json_object_object_add(k, "release", json_object_new_string(f->release));
	json_object_object_add(k, "cmdline", json_object_new_string(f->cmdline.raw));
	json_object_object_add(o, "kernel", k);
	json_object_object_add(o, "isolated_cpus", cpus_json(&r->isolated));
	json_object_object_add(o, "housekeeping_cpus", cpus_json(&r->housekeeping));
	json_object_object_add(o, "isolated_origin",
			       json_object_new_string(isol_origin_name(r->origin)));
	for (int i = 0; i < r->n; i++)
		json_object_array_add(checks, result_json(&r->results[i]));
	json_object_object_add(o, "checks", checks);
	for (int s = 0; s < CHECK_STATUS_COUNT; s++)
		json_object_object_add(sum, check_status_name((enum check_status)s),
				       json_object_new_int(r->counts[s]));
	json_object_object_add(o, "summary", sum);
	return o;
}
