/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Keep tlbiso's own process off the isolated CPUs: its threads run on the
 * online CPUs outside the given set (principle: tlbiso never disturbs an
 * isolated CPU). A set covering every online CPU leaves the affinity alone.
 */
#ifndef TLBISO_SELFPIN_H
#define TLBISO_SELFPIN_H

#include "cpuset.h"
#include "err.h"
#include "path.h"

/* Returns 0 (also when nothing was left to pin to) or a negative errno. */
int selfpin_away(const struct tl_path *p, const struct cpuset *isolated, struct tl_err *e);

#endif
