// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the control-socket request parser, the daemon's input from any local
 * client. Beyond "no crash": a request it accepts names a known command.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "ctlproto.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_err e = {0};
	enum ctl_cmd cmd = CTL_CMD_COUNT;

	if (ctl_parse_request((const char *)data, size, &cmd, &e) == 0 &&
	    (cmd < 0 || cmd >= CTL_CMD_COUNT))
		abort();
	return 0;
}
