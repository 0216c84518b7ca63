/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The boot parameters for an isolated set, their diff against the running
 * command line, and writing them into the bootloader configuration.
 *
 * Parameters other tools set are kept as they are; ours replace every
 * earlier instance of the same key, because the kernel silently takes the
 * last of two isolcpus= tokens.
 */
#ifndef TLBISO_BOOTARGS_H
#define TLBISO_BOOTARGS_H

#include <stdbool.h>

#include "cmdline.h"
#include "cpuset.h"
#include "err.h"
#include "path.h"

#define BA_MAX_PARAMS 8
#define BA_VALUE_MAX  1024

struct bootargs_opts {
	struct cpuset isolated, housekeeping;
	bool rcu_nocb_poll; /* opt-in */
	bool tsc_reliable;  /* opt-in */
};

struct bootargs_param {
	char key[32];
	bool has_value;
	char value[BA_VALUE_MAX];
	char reason[200];
};

struct bootargs {
	int n;
	struct bootargs_param p[BA_MAX_PARAMS];
};

enum ba_change { BA_ADDED, BA_REPLACED, BA_KEPT };

struct ba_diff_item {
	enum ba_change change;
	int param;		/* index in struct bootargs */
	int nold;		/* instances found in the old command line */
	char old[BA_VALUE_MAX]; /* the old tokens, space-separated */
};

struct ba_diff {
	int n;
	struct ba_diff_item items[BA_MAX_PARAMS];
	char cmdline[CMDLINE_MAX * 2]; /* the new command line */
};

enum bootloader { BL_NONE, BL_GRUB, BL_GRUBBY, BL_KERNEL_INSTALL };

/* Compute our parameters. -EINVAL when the sets are unusable (CPU 0 isolated, overlap, empty). */
int bootargs_compute(const struct bootargs_opts *o, struct bootargs *out, struct tl_err *e);

/* "key=value" or "key" */
void bootargs_token(const struct bootargs_param *bp, char *out, size_t outsz);

/*
 * Diff against a command line (text as in /proc/cmdline): each of our
 * parameters added, replaced (all earlier instances dropped) or kept; every
 * other token kept in place, the "--" init arguments kept at the end.
 */
int bootargs_diff(const struct bootargs *b, const char *current, struct ba_diff *d,
		  struct tl_err *e);

const char *ba_change_name(enum ba_change c); /* "added", "replaced", "kept" */
const char *bootloader_name(enum bootloader bl);
int bootloader_parse(const char *name, enum bootloader *out);

/* Detect the bootloader tooling of the system under p; why in 'how'. */
int bootargs_detect(const struct tl_path *p, enum bootloader *out, char *how, size_t howsz,
		    struct tl_err *e);

/* The text of /etc/default/grub.d/tlbiso.cfg for these parameters. */
int bootargs_grub_dropin(const struct bootargs *b, char *out, size_t outsz);

/* What --apply does, one step per line (for the dry run and the report). */
struct ba_steps {
	int n;
	char line[8][512];
};

/*
 * Apply (dry_run false) or describe (true): write the bootloader files
 * under p with the old ones backed up (".tlbiso.bak"), and run the tool.
 */
int bootargs_apply(const struct tl_path *p, enum bootloader bl, const struct bootargs *b,
		   const struct ba_diff *d, bool dry_run, struct ba_steps *steps, struct tl_err *e);

#endif
