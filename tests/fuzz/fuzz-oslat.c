// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzz both oslat output parsers: JSON (json-c underneath) and text. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "fuzz.h"
#include "oslat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oslat_result r;
	char *text = fuzz_strdup(data, size);

	if (!text)
		return 0;
	if (oslat_parse_json(text, &r, NULL) == 0)
		oslat_result_free(&r);
	if (oslat_parse_text(text, &r, NULL) == 0)
		oslat_result_free(&r);
	free(text);
	return 0;
}
