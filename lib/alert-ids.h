/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Journal MESSAGE_IDs, one constant 128-bit id per alert type (made once with
 * systemd-id128 new; never change them: journalctl MESSAGE_ID=... and
 * catalogues match on them). Raised and cleared entries share the type's id;
 * TLBISO_EVENT tells them apart.
 */
#ifndef TLBISO_ALERT_IDS_H
#define TLBISO_ALERT_IDS_H

#include "alert.h"

static const char *const alert_message_ids[AL_TYPE_COUNT] = {
	[AL_TLB_SHOOTDOWN] = "2580bae13be74aea8af61529c425e810",
	[AL_KERNEL_TLB_FLUSH] = "8a4efdc91a3e4892acb238530ccf58e0",
	[AL_IPI_OTHER] = "3eed94de4c044c0aacb180dd9d4b9be3",
	[AL_TICK] = "89612ef639924718a5d27225599df955",
	[AL_DEVICE_IRQ] = "622376bea13240a08bf065e67200c8cb",
	[AL_REGRESSION] = "0fd2dc8615b54eb68a4988662ff4ec13",
	[AL_DEFERRAL_REGRESSED] = "1a9c8bad6084496bad6d3a759f109bf1",
	[AL_INTRUDER] = "ad66366fc1774f709500d345bcc368b6",
};

/* The daemon's own lifecycle (started, reloaded, reload refused, stopping). */
#define TLBISOD_MESSAGE_ID_LIFECYCLE "151f9df76f844711b36fee3c989d8e5c"

/* Housekeeping: applied, drift re-applied, restored (one id; TLBISO_HK_NOTE tells them apart). */
#define TLBISOD_MESSAGE_ID_HOUSEKEEPING "d99fe3db43344953b85dc1423f37ab08"

#endif
