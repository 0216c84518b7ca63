/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The isolated set a verb works on when the user names none: gathered from
 * the facts (nohz_full, then isolcpus) exactly as `tlbisoctl check` and the
 * daemon resolve it, so trace and top watch the same CPUs they do.
 */
#ifndef TLBISO_ISOLSET_H
#define TLBISO_ISOLSET_H

#include "cpuset.h"
#include "err.h"
#include "facts.h"
#include "path.h"

/*
 * Fill isolated (and nohz, the nohz_full set, when not NULL). An empty set is
 * not an error here: the caller says what to do about a node with no
 * isolated CPUs.
 */
int isolset_default(const struct tl_path *p, struct cpuset *isolated, struct cpuset *nohz,
		    enum isol_origin *origin, struct tl_err *e);

#endif
