/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the fuzz targets: libFuzzer's entry point and input helpers. */
#ifndef TLBISO_FUZZ_H
#define TLBISO_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The parsers take NUL-terminated text; fuzz input is not. */
static inline char *fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

#endif
