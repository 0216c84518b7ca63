// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the cpulist and hex-mask parsers. Beyond "no crash", check the
 * round trip: whatever parses must format and parse back to the same set.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"
#include "fuzz.h"

static void roundtrip(const struct cpuset *s)
{
	static char out[TL_MAX_CPUS * 6];
	struct cpuset back;

	if (cpulist_format(s, out, sizeof(out)) < 0)
		abort();
	if (cpulist_parse(out, &back, NULL) < 0 || !cpuset_equal(s, &back))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpuset s;
	char *text = fuzz_strdup(data, size);

	if (!text)
		return 0;
	if (cpulist_parse(text, &s, NULL) == 0)
		roundtrip(&s);
	if (cpumask_parse(text, &s, NULL) == 0)
		roundtrip(&s);
	free(text);
	return 0;
}
