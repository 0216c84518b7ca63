// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the kernel config parser: no crash, and whatever it accepts is
 * sorted, free of repeats, and found again by kconfig_get() under its full
 * name ("CONFIG_" + name: a bare name that itself starts with "CONFIG_"
 * would be read as prefixed).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "kconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kconfig k = {0};
	char full[4096];

	if (kconfig_parse(&k, (const char *)data, size, NULL) == 0) {
		for (size_t i = 0; i < k.n; i++) {
			if (i > 0 && strcmp(k.entries[i - 1].name, k.entries[i].name) >= 0)
				abort();
			snprintf(full, sizeof(full), "CONFIG_%s", k.entries[i].name);
			if (strlen(full) < sizeof(full) - 1 &&
			    kconfig_get(&k, full) != k.entries[i].value)
				abort();
		}
	} else if (k.n) {
		abort();
	}
	kconfig_free(&k);
	return 0;
}
