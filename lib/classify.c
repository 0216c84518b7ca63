// SPDX-License-Identifier: GPL-2.0-or-later
/* Classification of one sample's deltas on the isolated CPUs; see classify.h. */
#include "config.h"

#include "classify.h"

static const char *const channel_names[CH_COUNT] = {
	"tlb_shootdown", "kernel_tlb_flush", "ipi_other", "ipi_other", "ipi_other",
	"tick",		 "device_irq",
};

const char *cls_channel_name(enum cls_channel c)
{
	return c >= 0 && c < CH_COUNT ? channel_names[c] : "?";
}

/* CAL without the function calls that carried a TLB shootdown (each counts in both rows). */
static uint32_t cal_net(const struct cls_in *c)
{
	uint32_t tlb = c->delta[SRC_TLB], cal = c->delta[SRC_CAL];

	return cal > tlb ? cal - tlb : 0;
}

uint32_t classify_broadcast(const struct cls_in *in, int n)
{
	uint32_t common = UINT32_MAX;
	int valid = 0;

	for (int i = 0; i < n; i++) {
		if (!in[i].valid)
			continue;
		valid++;
		if (cal_net(&in[i]) < common)
			common = cal_net(&in[i]);
	}
	return valid >= 2 ? common : 0;
}

void classify_sample(const struct cls_in *in, int n, uint32_t (*out)[CH_COUNT])
{
	uint32_t bcast = classify_broadcast(in, n);

	for (int i = 0; i < n; i++) {
		const struct cls_in *c = &in[i];
		uint32_t *o = out[i];

		for (int k = 0; k < CH_COUNT; k++)
			o[k] = 0;
		if (!c->valid)
			continue;
		o[CH_TLB_SHOOTDOWN] = c->delta[SRC_TLB];
		o[CH_KERNEL_FLUSH] = bcast;
		o[CH_IPI_CAL] = cal_net(c) - bcast;
		o[CH_IPI_RES] = c->delta[SRC_RES];
		o[CH_IPI_IWI] = c->delta[SRC_IWI];
		o[CH_TICK] = c->nohz_full ? c->delta[SRC_LOC] : 0;
		o[CH_DEVICE_IRQ] = c->delta[SRC_IRQ];
	}
}
