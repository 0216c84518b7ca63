/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The running kernel's build configuration: /proc/config.gz (read through
 * zlib) when the kernel has CONFIG_IKCONFIG_PROC, otherwise
 * /boot/config-<release>, the release being read from
 * /proc/sys/kernel/osrelease under the same sysroot.
 */
#ifndef TLBISO_KCONFIG_H
#define TLBISO_KCONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "path.h"

enum kconfig_source {
	KCONFIG_NONE,	 /* no config could be found */
	KCONFIG_PROC_GZ, /* /proc/config.gz */
	KCONFIG_BOOT,	 /* /boot/config-<release> */
};

struct kconfig_entry {
	char *name;  /* without the CONFIG_ prefix: "NO_HZ_FULL" */
	char *value; /* "y", "m", "n" (from "# CONFIG_X is not set"), or the raw value */
};

struct kconfig {
	enum kconfig_source source;
	char path[PATH_MAX];	       /* the file used, as on the live system */
	struct kconfig_entry *entries; /* sorted by name */
	size_t n, cap;
	char *text; /* owned copy of the config text; names and values point into it */
};

/*
 * Load the config into k (zero-initialised, or loaded before: it is freed
 * first). release NULL means read it from /proc/sys/kernel/osrelease under
 * the sysroot. Finding none is not an error: source is KCONFIG_NONE and 0 is
 * returned. A file that exists but cannot be read or decompressed is, and so
 * is a /proc/config.gz that is not gzip data, and a release that is not a
 * plain file name (it must not lead out of /boot).
 */
int kconfig_load(struct kconfig *k, const struct tl_path *p, const char *release, struct tl_err *e);

/*
 * Parse config text (for tests and for the gzip path). Lines are
 * "CONFIG_X=value", "# CONFIG_X is not set" (value "n"), other comments, or
 * blank; anything else is an error with its line number. When a symbol
 * repeats, the last line wins, as in Kconfig. Values are kept raw: strings
 * keep their quotes.
 */
int kconfig_parse(struct kconfig *k, const char *text, size_t len, struct tl_err *e);

void kconfig_free(struct kconfig *k);

/* Value of a symbol (name with or without "CONFIG_"), or NULL when absent. */
const char *kconfig_get(const struct kconfig *k, const char *name);

/* True when the symbol is "y" or "m". */
bool kconfig_enabled(const struct kconfig *k, const char *name);

const char *kconfig_source_name(enum kconfig_source s);

#endif
