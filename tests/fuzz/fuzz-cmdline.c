// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the command-line parser: no crash, tokens stay inside the struct,
 * and every token is found again by cmdline_get().
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "fuzz.h"

/* A token must point into the parser's own copy of the text. */
static void inside(const struct cmdline *c, const char *p)
{
	if (p && (p < c->buf || p >= c->buf + sizeof(c->buf)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cmdline c;
	char *text = fuzz_strdup(data, size);

	if (!text)
		return 0;
	if (cmdline_parse(&c, text, NULL) == 0) {
		for (int i = 0; i < c.ntokens; i++) {
			inside(&c, c.tokens[i].key);
			inside(&c, c.tokens[i].value);
			if (!cmdline_get(&c, c.tokens[i].key))
				abort();
		}
		if (c.nwarnings > 8)
			abort();
	}
	free(text);
	return 0;
}
