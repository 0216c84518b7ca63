// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Replay driver: runs a fuzz target over files given on the command line,
 * without libFuzzer. It lets "make check" (gcc, and the sanitizer build)
 * replay every seed and every past crash, so a fixed bug stays fixed even
 * where clang is not installed. Prints TAP, one point per file.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n;

	if (!f)
		return NULL;
	*len = 0;
	do {
		if (*len + 65536 > cap) {
			unsigned char *p = realloc(buf, cap = *len + 65536);

			if (!p)
				break;
			buf = p;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n > 0);
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	int failed = 0;

	printf("1..%d\n", argc - 1);
	for (int i = 1; i < argc; i++) {
		size_t len;
		unsigned char *buf = slurp(argv[i], &len);

		if (!buf) {
			printf("not ok %d - %s: cannot read\n", i, argv[i]);
			failed = 1;
			continue;
		}
		/* A crash aborts the process, which the TAP driver reports as an error. */
		LLVMFuzzerTestOneInput(buf, len);
		printf("ok %d - %s\n", i, argv[i]);
		free(buf);
	}
	return failed;
}
