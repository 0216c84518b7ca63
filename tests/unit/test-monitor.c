// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sampler and the classifier on synthetic /proc/interrupts sequences:
 * wraps at 2^32, CPUs going offline and back, IRQs appearing, the broadcast
 * pattern against a single CPU, a counter going backwards, baselines.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ctrpack.h"
#include "monitor.h"

#define SEC 1000000000ull

/* Counters of one synthetic sample, indexed by CPU id (0..3). */
struct sample {
	int online[4]; /* 1 when the CPU has a column */
	uint32_t loc[4], res[4], cal[4], tlb[4], iwi[4], irq24[4];
	bool has_irq24;
};

static void add_row(char *buf, size_t *n, size_t cap, const char *name, const uint32_t *v,
		    const struct sample *s, const char *desc)
{
	*n += snprintf(buf + *n, cap - *n, "%4s:", name);
	for (int c = 0; c < 4; c++)
		if (s->online[c])
			*n += snprintf(buf + *n, cap - *n, " %10u", v[c]);
	*n += snprintf(buf + *n, cap - *n, "   %s\n", desc);
}

/* Render a sample as the kernel would print it: only online CPUs have columns. */
static size_t render(const struct sample *s, char *buf, size_t cap)
{
	size_t n = 0;

	n += snprintf(buf + n, cap - n, "    ");
	for (int c = 0; c < 4; c++)
		if (s->online[c])
			n += snprintf(buf + n, cap - n, "       CPU%d", c);
	n += snprintf(buf + n, cap - n, "\n");
	if (s->has_irq24)
		add_row(buf, &n, cap, "24", s->irq24, s, "PCI-MSI 512000-edge      eth0");
	add_row(buf, &n, cap, "LOC", s->loc, s, "Local timer interrupts");
	add_row(buf, &n, cap, "RES", s->res, s, "Rescheduling interrupts");
	add_row(buf, &n, cap, "CAL", s->cal, s, "Function call interrupts");
	add_row(buf, &n, cap, "TLB", s->tlb, s, "TLB shootdowns");
	add_row(buf, &n, cap, "IWI", s->iwi, s, "IRQ work interrupts");
	n += snprintf(buf + n, cap - n, " ERR:          0\n");
	return n;
}

struct fx {
	struct monitor m;
	struct sample s;
	uint64_t t;
};

/* Feed the current sample one second after the previous one. */
static void feed(struct fx *f)
{
	char buf[4096];
	struct tl_err e = {0};
	size_t n = render(&f->s, buf, sizeof(buf));

	f->t += SEC;
	if (monitor_feed(&f->m, buf, n, f->t, &e) < 0)
		fail_msg("monitor_feed: %s\n%s", e.msg, buf);
}

/* Watch CPUs 2-3 (nohz_full), all four online, window w. */
static struct fx *setup_fx(int window, int baseline)
{
	static struct fx f;
	struct cpuset watch, nohz;
	struct tl_err e = {0};

	memset(&f, 0, sizeof(f));
	cpulist_parse("2-3", &watch, &e);
	nohz = watch;
	assert_int_equal(monitor_init(&f.m, &watch, &nohz, window, baseline, &e), 0);
	for (int c = 0; c < 4; c++)
		f.s.online[c] = 1;
	return &f;
}

static const struct mon_cpu *cpu(struct fx *f, int id)
{
	const struct mon_cpu *c = monitor_cpu(&f->m, id);

	assert_non_null(c);
	return c;
}

/* The first sample is a baseline: no delta, whatever the counters say. */
static void test_first_sample_is_baseline(void **state)
{
	struct fx *f = setup_fx(1, 0);

	f->s.tlb[2] = 123456;
	feed(f);
	assert_false(cpu(f, 2)->valid);
	assert_int_equal(cpu(f, 2)->delta[SRC_TLB], 0);
	f->s.tlb[2] += 3;
	feed(f);
	assert_true(cpu(f, 2)->valid);
	assert_int_equal(cpu(f, 2)->delta[SRC_TLB], 3);
	assert_int_equal(cpu(f, 2)->chan[CH_TLB_SHOOTDOWN], 3);
	assert_true(mon_cpu_rate(cpu(f, 2), SRC_TLB) == 3.0);
	monitor_free(&f->m);
}

static void test_wrap_at_2_32(void **state)
{
	struct fx *f = setup_fx(1, 0);

	f->s.cal[2] = 0xfffffff0u;
	f->s.cal[3] = 0xfffffff0u;
	feed(f);
	f->s.cal[2] = 0x10; /* +0x20 across the wrap */
	f->s.cal[3] = 0x10;
	feed(f);
	assert_int_equal(cpu(f, 2)->delta[SRC_CAL], 0x20);
	assert_int_equal(cpu(f, 2)->resets, 0);
	monitor_free(&f->m);
}

/* A counter that goes back by much is a reset: skipped, not 4 billion events. */
static void test_backwards_counter_is_reset(void **state)
{
	struct fx *f = setup_fx(1, 0);

	f->s.res[3] = 5000000;
	feed(f);
	f->s.res[3] = 100;
	feed(f);
	assert_true(cpu(f, 3)->valid);
	assert_int_equal(cpu(f, 3)->delta[SRC_RES], 0);
	assert_int_equal(cpu(f, 3)->resets, 1);
	assert_int_equal(cpu(f, 3)->last_resets, 1);
	f->s.res[3] = 107;
	feed(f);
	assert_int_equal(cpu(f, 3)->delta[SRC_RES], 7);
	assert_int_equal(cpu(f, 3)->last_resets, 0);
	monitor_free(&f->m);
}

/* Offline: no column, no delta; back online: a new baseline, not a huge delta. */
static void test_cpu_offline_and_back(void **state)
{
	struct fx *f = setup_fx(2, 0);

	f->s.tlb[3] = 10;
	feed(f);
	f->s.online[3] = 0;
	f->s.tlb[2] = 1; /* CPU 2 still counts, although its column moved */
	feed(f);
	assert_false(cpu(f, 3)->online);
	assert_false(cpu(f, 3)->valid);
	assert_int_equal(cpu(f, 2)->delta[SRC_TLB], 1);
	f->s.online[3] = 1;
	f->s.tlb[3] = 0; /* the kernel may have restarted it: any value is the new base */
	feed(f);
	assert_true(cpu(f, 3)->online);
	assert_false(cpu(f, 3)->valid);
	assert_int_equal(cpu(f, 3)->delta[SRC_TLB], 0);
	f->s.tlb[3] = 4;
	feed(f);
	assert_int_equal(cpu(f, 3)->delta[SRC_TLB], 4);
	/* the window only counts the seconds in which the CPU had a delta */
	assert_true(mon_cpu_rate(cpu(f, 3), SRC_TLB) == 4.0);
	monitor_free(&f->m);
}

/* An IRQ row that appears counts from zero, and is named. */
static void test_irq_appears(void **state)
{
	struct fx *f = setup_fx(1, 0);

	feed(f);
	f->s.has_irq24 = true;
	f->s.irq24[3] = 9;
	feed(f);
	assert_int_equal(cpu(f, 3)->delta[SRC_IRQ], 9);
	assert_int_equal(cpu(f, 3)->chan[CH_DEVICE_IRQ], 9);
	assert_string_equal(mon_cpu_irqs(cpu(f, 3)), "24:eth0");
	assert_int_equal(cpu(f, 2)->delta[SRC_IRQ], 0);
	/* and vanishes without harm */
	f->s.has_irq24 = false;
	feed(f);
	assert_int_equal(cpu(f, 3)->delta[SRC_IRQ], 0);
	monitor_free(&f->m);
}

/* CAL on every isolated CPU with no TLB is the kernel-range broadcast. */
static void test_broadcast_vs_single(void **state)
{
	struct fx *f = setup_fx(1, 0);

	feed(f);
	f->s.cal[2] += 5;
	f->s.cal[3] += 7;
	feed(f);
	assert_int_equal(cpu(f, 2)->chan[CH_KERNEL_FLUSH], 5);
	assert_int_equal(cpu(f, 3)->chan[CH_KERNEL_FLUSH], 5);
	assert_int_equal(cpu(f, 2)->chan[CH_IPI_CAL], 0);
	assert_int_equal(cpu(f, 3)->chan[CH_IPI_CAL], 2);
	/* on one CPU only: a targeted call */
	f->s.cal[3] += 4;
	feed(f);
	assert_int_equal(cpu(f, 3)->chan[CH_KERNEL_FLUSH], 0);
	assert_int_equal(cpu(f, 3)->chan[CH_IPI_CAL], 4);
	monitor_free(&f->m);
}

/* Every user-mm shootdown also counts in CAL: it must not look like a broadcast. */
static void test_tlb_is_taken_out_of_cal(void **state)
{
	struct fx *f = setup_fx(1, 0);

	feed(f);
	f->s.tlb[2] += 10;
	f->s.cal[2] += 10;
	f->s.tlb[3] += 3;
	f->s.cal[3] += 3;
	feed(f);
	assert_int_equal(cpu(f, 2)->chan[CH_TLB_SHOOTDOWN], 10);
	assert_int_equal(cpu(f, 2)->chan[CH_KERNEL_FLUSH], 0);
	assert_int_equal(cpu(f, 2)->chan[CH_IPI_CAL], 0);
	assert_int_equal(cpu(f, 3)->chan[CH_KERNEL_FLUSH], 0);
	monitor_free(&f->m);
}

/* The broadcast rule ignores an offline CPU rather than failing on it. */
static void test_broadcast_with_cpu_offline(void **state)
{
	struct cls_in in[3] = {0};
	uint32_t out[3][CH_COUNT];

	in[0].valid = in[1].valid = true;
	in[0].delta[SRC_CAL] = 3;
	in[1].delta[SRC_CAL] = 4;
	in[2].valid = false;
	classify_sample(in, 3, out);
	assert_int_equal(out[0][CH_KERNEL_FLUSH], 3);
	assert_int_equal(out[1][CH_KERNEL_FLUSH], 3);
	assert_int_equal(out[2][CH_KERNEL_FLUSH], 0);
	/* with one valid CPU, no broadcast can be told */
	in[1].valid = false;
	classify_sample(in, 3, out);
	assert_int_equal(out[0][CH_KERNEL_FLUSH], 0);
	assert_int_equal(out[0][CH_IPI_CAL], 3);
}

/* LOC is a tick event only on a nohz_full CPU. */
static void test_tick_only_on_nohz_full(void **state)
{
	struct cls_in in[2] = {0};
	uint32_t out[2][CH_COUNT];

	in[0].valid = in[1].valid = true;
	in[0].nohz_full = true;
	in[0].delta[SRC_LOC] = in[1].delta[SRC_LOC] = 250;
	classify_sample(in, 2, out);
	assert_int_equal(out[0][CH_TICK], 250);
	assert_int_equal(out[1][CH_TICK], 0);
}

/* Rates are averaged over the window and forget what left it. */
static void test_window_rates(void **state)
{
	struct fx *f = setup_fx(3, 0);

	feed(f);
	f->s.res[2] += 6;
	feed(f);
	assert_true(mon_cpu_rate(cpu(f, 2), SRC_RES) == 6.0);
	feed(f);
	assert_true(mon_cpu_rate(cpu(f, 2), SRC_RES) == 3.0);
	feed(f);
	assert_true(mon_cpu_rate(cpu(f, 2), SRC_RES) == 2.0);
	feed(f);
	assert_true(mon_cpu_rate(cpu(f, 2), SRC_RES) == 0.0);
	monitor_free(&f->m);
}

/* The baseline is the mean rate over the first baseline_samples valid samples. */
static void test_baseline_learning(void **state)
{
	struct fx *f = setup_fx(1, 3);

	feed(f); /* baseline sample: not counted */
	for (int i = 0; i < 3; i++) {
		assert_false(cpu(f, 2)->base_done);
		f->s.loc[2] += 2 * (i + 1); /* 2, 4, 6 over 3 s: 4/s */
		feed(f);
	}
	assert_true(cpu(f, 2)->base_done);
	assert_true(mon_cpu_baseline(cpu(f, 2), SRC_LOC) == 4.0);
	assert_true(mon_cpu_baseline(cpu(f, 3), SRC_LOC) == 0.0);
	monitor_free(&f->m);
}

/* A steady-state sample allocates nothing. */
static void test_no_allocation_in_steady_state(void **state)
{
	struct fx *f = setup_fx(4, 10);
	size_t before;

	feed(f);
	feed(f);
	before = monitor_allocs(&f->m);
	for (int i = 0; i < 20; i++) {
		f->s.cal[2] += 1;
		feed(f);
	}
	assert_int_equal(monitor_allocs(&f->m), before);
	monitor_free(&f->m);
}

/* A malformed file is an error and leaves the previous sample as the base. */
static void test_bad_file_keeps_base(void **state)
{
	struct fx *f = setup_fx(1, 0);
	struct tl_err e = {0};
	const char *bad = "           CPU0 CPU1 CPU2 CPU3\nTLB: 1 2\n";

	f->s.tlb[2] = 100;
	feed(f);
	assert_true(monitor_feed(&f->m, bad, strlen(bad), f->t + SEC, &e) < 0);
	f->s.tlb[2] = 104;
	feed(f);
	assert_int_equal(cpu(f, 2)->delta[SRC_TLB], 4);
	monitor_free(&f->m);
}

/* Read a byte at a time through odd chunks: lines cut anywhere parse the same. */
static void test_small_reads(void **state)
{
	struct fx *f = setup_fx(2, 0);

	f->m.chunk = 7;
	f->s.has_irq24 = true;
	f->s.tlb[3] = UINT32_MAX - 1;
	feed(f);
	f->s.tlb[3] += 5; /* wraps */
	f->s.irq24[2] += 2;
	feed(f);
	assert_int_equal(cpu(f, 3)->delta[SRC_TLB], 5);
	assert_int_equal(cpu(f, 2)->delta[SRC_IRQ], 2);
	assert_string_equal(mon_cpu_irqs(cpu(f, 2)), "24:eth0");
	f->m.chunk = 1;
	f->s.cal[2] += 3;
	feed(f);
	assert_int_equal(cpu(f, 2)->delta[SRC_CAL], 3);
	assert_int_equal(monitor_cpu(&f->m, 2)->delta[SRC_IRQ], 0);
	monitor_free(&f->m);
}

/* A file that fails after some rows replaced the baseline: the next good sample is a baseline. */
static void test_failure_midway_resets_base(void **state)
{
	struct fx *f = setup_fx(1, 0);
	struct tl_err e = {0};
	char buf[4096];
	size_t n;

	feed(f);
	f->s.tlb[2] += 50;
	n = render(&f->s, buf, sizeof(buf));
	/* cut in the middle of the last row, after LOC, RES, CAL and TLB were read */
	n -= 3;
	assert_true(monitor_feed(&f->m, buf, n, f->t + SEC / 2, &e) < 0);
	assert_non_null(strstr(e.msg, "truncated"));
	f->s.tlb[2] += 1;
	feed(f);
	assert_false(cpu(f, 2)->valid);
	assert_int_equal(cpu(f, 2)->delta[SRC_TLB], 0);
	f->s.tlb[2] += 2;
	feed(f);
	assert_true(cpu(f, 2)->valid);
	assert_int_equal(cpu(f, 2)->delta[SRC_TLB], 2);
	monitor_free(&f->m);
}

/* Rows read as before are skipped; a change on a watched CPU is seen, one elsewhere is not. */
static void test_unchanged_rows(void **state)
{
	struct fx *f = setup_fx(1, 0);

	uint64_t skipped;

	f->s.has_irq24 = true;
	f->s.loc[2] = 1000;
	feed(f);
	for (int i = 0; i < 3; i++) {
		skipped = f->m.rows_skipped;
		feed(f);
		assert_true(cpu(f, 2)->valid);
		assert_int_equal(cpu(f, 2)->delta[SRC_LOC], 0);
		assert_int_equal(f->m.rows_skipped, skipped + 6); /* 24 LOC RES CAL TLB IWI */
	}
	f->s.loc[0] += 100; /* not watched */
	f->s.irq24[1] += 100;
	feed(f);
	assert_int_equal(cpu(f, 2)->delta[SRC_LOC], 0);
	assert_int_equal(cpu(f, 3)->delta[SRC_IRQ], 0);
	f->s.loc[2] += 1;
	f->s.irq24[3] += 4;
	skipped = f->m.rows_skipped;
	feed(f);
	assert_int_equal(f->m.rows_skipped, skipped + 4);
	assert_int_equal(cpu(f, 2)->delta[SRC_LOC], 1);
	assert_int_equal(cpu(f, 3)->delta[SRC_IRQ], 4);
	assert_int_equal(cpu(f, 2)->total[SRC_LOC], 1);
	/* a CPU going offline moves the columns: rows are read again, not skipped */
	f->s.online[0] = 0;
	f->s.res[3] += 6;
	feed(f);
	assert_int_equal(cpu(f, 3)->delta[SRC_RES], 6);
	assert_int_equal(cpu(f, 2)->delta[SRC_LOC], 0);
	monitor_free(&f->m);
}

/* A row that vanishes from the middle: the rows after it still pair with their own counters. */
static void test_row_vanishes_and_returns(void **state)
{
	struct fx *f = setup_fx(1, 0);

	f->s.has_irq24 = true;
	f->s.irq24[2] = 70;
	f->s.tlb[2] = 500;
	feed(f);
	f->s.has_irq24 = false;
	f->s.tlb[2] += 3;
	feed(f);
	assert_int_equal(cpu(f, 2)->delta[SRC_TLB], 3);
	assert_int_equal(cpu(f, 2)->delta[SRC_IRQ], 0);
	/* back: the kernel created it anew, it counts from zero */
	f->s.has_irq24 = true;
	f->s.irq24[2] = 2;
	f->s.tlb[2] += 1;
	feed(f);
	assert_int_equal(cpu(f, 2)->delta[SRC_IRQ], 2);
	assert_int_equal(cpu(f, 2)->delta[SRC_TLB], 1);
	assert_int_equal(cpu(f, 2)->resets, 0);
	monitor_free(&f->m);
}

/* powerpc prints LOC twice: the repeat is not counted, as irq_table_find_nth numbers it. */
static void test_repeated_row_name(void **state)
{
	const char *t1 =
		"           CPU0       CPU1       CPU2       CPU3\n"
		"LOC:          1          2          3          4   Local timer interrupts\n"
		"LOC:        100        100        100        100   Local timer interrupts "
		"for timer event device\n";
	const char *t2 =
		"           CPU0       CPU1       CPU2       CPU3\n"
		"LOC:          1          2          5          4   Local timer interrupts\n"
		"LOC:        100        100        900        100   Local timer interrupts "
		"for timer event device\n";
	struct fx *f = setup_fx(1, 0);
	struct tl_err e = {0};

	assert_int_equal(monitor_feed(&f->m, t1, strlen(t1), SEC, &e), 0);
	assert_int_equal(monitor_feed(&f->m, t2, strlen(t2), 2 * SEC, &e), 0);
	assert_int_equal(cpu(f, 2)->delta[SRC_LOC], 2);
	monitor_free(&f->m);
}

/* How the base packs a row now (ctrpack.h), so that the tests below know what they cover. */
static int row_enc(struct fx *f, const char *name)
{
	for (int i = 0; i < f->m.base.nrows; i++)
		if (!strcmp(f->m.base.rows[i].name, name))
			return f->m.base.rows[i].enc;
	fail_msg("no row %s in the base", name);
	return -1;
}

/* Set CPUs 2 and 3's counters of IRQ 24, feed, and check the deltas and the packing. */
static void step24(struct fx *f, uint32_t v2, uint32_t v3, uint32_t d2, uint32_t d3, int enc)
{
	f->s.irq24[2] = v2;
	f->s.irq24[3] = v3;
	feed(f);
	assert_int_equal(cpu(f, 2)->delta[SRC_IRQ], d2);
	assert_int_equal(cpu(f, 3)->delta[SRC_IRQ], d3);
	assert_int_equal(cpu(f, 2)->resets + cpu(f, 3)->resets, 0);
	assert_int_equal(row_enc(f, "24"), enc);
}

/*
 * A row's counters through every width boundary, up across 2^32 and down
 * again: each sample unpacks what the last one packed, in another width.
 */
static void test_packed_widths(void **state)
{
	struct fx *f = setup_fx(1, 0);

	f->s.has_irq24 = true;
	step24(f, 0, 0, 0, 0, CTRPACK_ZERO);
	step24(f, 255, 255, 255, 255, CTRPACK_U8);
	step24(f, 256, 256, 1, 1, CTRPACK_U16);
	step24(f, 65535, 65535, 65279, 65279, CTRPACK_U16);
	step24(f, 65536, 65536, 1, 1, CTRPACK_U32);
	step24(f, 0x70000000u, 0x70000000u, 0x6fff0000u, 0x6fff0000u, CTRPACK_U32);
	step24(f, 0xe0000000u, 0xe0000000u, 0x70000000u, 0x70000000u, CTRPACK_U32);
	step24(f, UINT32_MAX, 0xe0000000u, 0x1fffffffu, 0, CTRPACK_U32);
	/* the wraps: 2^32-1 to 5 is 6 events, and the row is one byte wide again */
	step24(f, 5, 0x10, 6, 0x20000010u, CTRPACK_U8);
	/* a small and a wide counter: tags (1 byte) + 1 + 4 bytes beat 2 x 4 */
	step24(f, 5, 0x10000u + 0x10, 0, 0x10000u, CTRPACK_TAGGED);
	step24(f, 300, 0x10000u + 0x11, 295, 1, CTRPACK_TAGGED);
	step24(f, 300, 0x10000u + 0x11, 0, 0, CTRPACK_TAGGED);
	/* back by more than a wrap could explain: a reset, skipped, and the row narrows */
	f->s.irq24[3] = 300;
	feed(f);
	assert_int_equal(cpu(f, 3)->delta[SRC_IRQ], 0);
	assert_int_equal(cpu(f, 3)->last_resets, 1);
	assert_int_equal(row_enc(f, "24"), CTRPACK_U16);
	f->s.irq24[3] = 303;
	feed(f);
	assert_int_equal(cpu(f, 3)->delta[SRC_IRQ], 3);
	monitor_free(&f->m);
}

/* A CPU in the middle of the row goes offline and comes back while the row changes width. */
static void test_packed_cpu_offline_mid_row(void **state)
{
	struct fx *f = setup_fx(1, 0);

	f->s.has_irq24 = true;
	step24(f, 70000, 10, 0, 0, CTRPACK_TAGGED);
	f->s.online[2] = 0; /* the row keeps CPU 3's counter only: CPU 2's is 0, not 70000 */
	f->s.irq24[3] = 12;
	feed(f);
	assert_false(cpu(f, 2)->valid);
	assert_int_equal(cpu(f, 3)->delta[SRC_IRQ], 2);
	assert_int_equal(row_enc(f, "24"), CTRPACK_U8);
	f->s.online[2] = 1; /* back, at any value: a new baseline for CPU 2 */
	f->s.irq24[2] = 900;
	f->s.irq24[3] = 0x20000u;
	feed(f);
	assert_false(cpu(f, 2)->valid);
	assert_int_equal(cpu(f, 3)->delta[SRC_IRQ], 0x20000u - 12);
	step24(f, 905, 0x20000u, 5, 0, CTRPACK_TAGGED);
	monitor_free(&f->m);
}

/* Packed rows that vanish and come back: the other rows keep their own counters. */
static void test_packed_row_vanishes_and_returns(void **state)
{
	struct fx *f = setup_fx(1, 0);

	f->s.has_irq24 = true;
	f->s.irq24[2] = 0xfffffff0u;
	f->s.irq24[3] = 3;
	f->s.loc[2] = 4000000000u;
	f->s.loc[3] = 0;
	feed(f);
	assert_int_equal(row_enc(f, "24"), CTRPACK_TAGGED);
	f->s.has_irq24 = false;
	f->s.loc[2] += 1000;
	f->s.loc[3] = 300;
	feed(f);
	assert_int_equal(cpu(f, 2)->delta[SRC_LOC], 1000);
	assert_int_equal(cpu(f, 3)->delta[SRC_LOC], 300);
	assert_int_equal(f->m.base.nrows, 5);
	/* back, created anew by the kernel: it counts from zero, not from 0xfffffff0 */
	f->s.has_irq24 = true;
	f->s.irq24[2] = 2;
	f->s.irq24[3] = 0;
	f->s.loc[2] += 7;
	f->s.loc[3] += 70000;
	feed(f);
	assert_int_equal(cpu(f, 2)->delta[SRC_IRQ], 2);
	assert_int_equal(cpu(f, 3)->delta[SRC_IRQ], 0);
	assert_int_equal(cpu(f, 2)->delta[SRC_LOC], 7);
	assert_int_equal(cpu(f, 3)->delta[SRC_LOC], 70000);
	assert_int_equal(cpu(f, 2)->resets + cpu(f, 3)->resets, 0);
	assert_int_equal(row_enc(f, "24"), CTRPACK_U8);
	assert_int_equal(row_enc(f, "LOC"), CTRPACK_U32);
	step24(f, 3, 1, 1, 1, CTRPACK_U8);
	monitor_free(&f->m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_sample_is_baseline),
		cmocka_unit_test(test_wrap_at_2_32),
		cmocka_unit_test(test_backwards_counter_is_reset),
		cmocka_unit_test(test_cpu_offline_and_back),
		cmocka_unit_test(test_irq_appears),
		cmocka_unit_test(test_broadcast_vs_single),
		cmocka_unit_test(test_tlb_is_taken_out_of_cal),
		cmocka_unit_test(test_broadcast_with_cpu_offline),
		cmocka_unit_test(test_tick_only_on_nohz_full),
		cmocka_unit_test(test_window_rates),
		cmocka_unit_test(test_baseline_learning),
		cmocka_unit_test(test_no_allocation_in_steady_state),
		cmocka_unit_test(test_bad_file_keeps_base),
		cmocka_unit_test(test_small_reads),
		cmocka_unit_test(test_failure_midway_resets_base),
		cmocka_unit_test(test_unchanged_rows),
		cmocka_unit_test(test_row_vanishes_and_returns),
		cmocka_unit_test(test_repeated_row_name),
		cmocka_unit_test(test_packed_widths),
		cmocka_unit_test(test_packed_cpu_offline_mid_row),
		cmocka_unit_test(test_packed_row_vanishes_and_returns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
