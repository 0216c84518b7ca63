// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the config loader (libconfig plus our validation) through a file, as
 * tlbisod reads it. Beyond "no crash": a refused file leaves the target
 * config as it was, and an accepted one holds values inside their ranges.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "fuzz.h"

/*
 * libconfig 1.5 (Debian 12) leaks its lexer's string buffer when a syntax
 * error interrupts a string (strbuf_append, libconfig_yylex): found by this
 * target, not ours to fix, a few bytes per refused file. Suppress exactly
 * that, so that a leak of ours still fails the run.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

/* An accepted config must respect the ranges the loader promises. */
static void check_ranges(const struct tl_config *c)
{
	const struct conf_monitor *m = &c->monitor;

	if (m->interval_ms < 50 || m->interval_ms > 60000 || m->window < 1 || m->clear_after < 1 ||
	    m->baseline_factor < 1.0 || c->alerts.hook_timeout_ms < 100)
		abort();
	for (int i = 0; i < SRC_COUNT; i++)
		if (!(m->threshold[i] >= 0))
			abort();
	if (c->alerts.hook[0] && c->alerts.hook[0] != '/')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tl_config c, before;
	char path[] = "/tmp/tlbiso-fuzz-conf-XXXXXX";
	struct conf_problems probs;
	struct tl_err e = {0};
	int fd = mkstemp(path);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	conf_defaults(&c);
	c.monitor.interval_ms = 4242; /* a marker a refused load must not touch */
	before = c;
	if (conf_load(&c, path, false, &probs, &e) == 0)
		check_ranges(&c);
	else if (memcmp(&c, &before, sizeof(c)))
		abort();
	unlink(path);
	return 0;
}
