/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Group lookup that leaves nothing behind. getgrnam() loads the NSS modules
 * of nsswitch.conf (libnss_systemd and libm on Debian, sssd or LDAP clients
 * elsewhere) into the caller for good: 600 KiB or more of a daemon whose
 * budget is 4 MiB, plus whatever threads and sockets those modules keep. The
 * lookup runs in a short-lived child instead, with the same answer.
 */
#ifndef TLBISO_GROUPLOOKUP_H
#define TLBISO_GROUPLOOKUP_H

#include <sys/types.h>

#include "err.h"

/* 1 with *gid set when the group exists, 0 when it does not, negative errno on failure. */
int tl_group_lookup(const char *name, gid_t *gid, struct tl_err *e);

#endif
