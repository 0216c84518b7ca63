/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "housekeeping" section of tlbiso.conf. conf.c calls hk_conf_parse for
 * the group; every problem is recorded at its line, all of them in one pass.
 */
#ifndef TLBISO_HK_CONF_H
#define TLBISO_HK_CONF_H

#include <libconfig.h>

#include "conf.h"
#include "housekeeping.h"

/*
 * Validate section (may be NULL: defaults) into out. Returns 0, or -EINVAL
 * when a problem was recorded; out is filled from hk_config_defaults first.
 */
int hk_conf_parse(const config_setting_t *section, struct hk_config *out,
		  struct conf_problems *probs);

#endif
