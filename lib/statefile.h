/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * STATE_DIR/state: what the previous start found about TLB-flush deferral,
 * so that a boot that lost it (new kernel, changed config, PTI off) raises
 * deferral_regressed. JSON:
 *   {"schema":"tlbiso.state/1","last":{"release":"6.18.0","boot_id":"...",
 *    "deferral_expected":true,"mechanism":"coalesce_tlbi"}}
 * Written atomically (temporary file, fsync, rename) after the comparison.
 */
#ifndef TLBISO_STATEFILE_H
#define TLBISO_STATEFILE_H

#include <stdbool.h>

#include "err.h"

#define STATE_SCHEMA "tlbiso.state/1"

struct state_record {
	char release[128];
	char boot_id[64];
	bool deferral_expected;
	char mechanism[32]; /* "none", "invlpgb", "coalesce_tlbi" */
	/*
	 * Optional "lost_from": set when this boot lost the deferral that the
	 * previous one had (its mechanism), so that a daemon restarted in the
	 * same boot raises the alert again.
	 */
	char lost_from[32];
};

/* Read STATE_DIR/state. -ENOENT when absent, -EINVAL when unreadable as the schema. */
int state_read(const char *state_dir, struct state_record *r, struct tl_err *e);

/* Write it atomically; creates the directory (0755) if needed. */
int state_write(const char *state_dir, const struct state_record *r, struct tl_err *e);

/*
 * Did deferral regress from prev to cur? True when prev expected it and cur
 * does not, or when prev is this same boot and had already found it lost.
 * Sets cur->lost_from to the mechanism that was lost.
 */
bool state_lost_deferral(const struct state_record *prev, struct state_record *cur);

#endif
