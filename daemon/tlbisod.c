// SPDX-License-Identifier: GPL-2.0-or-later
/* tlbisod: placeholder until the daemon lands. */
#include "config.h"

#include <stdio.h>

int main(void)
{
	fprintf(stderr, "tlbisod %s: not implemented yet\n", PACKAGE_VERSION);
	return 3;
}
