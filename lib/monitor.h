/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's sampler: /proc/interrupts read into two alternating tables,
 * per-CPU per-source deltas for the watched (isolated) CPUs, the classified
 * channels, and rates over a sliding window of samples.
 *
 * Deltas are wrap-safe (32-bit kernel counters) and hotplug-safe: CPUs are
 * matched by id, not by column; a CPU that goes offline has no delta, and its
 * first sample after it returns is a new baseline. A row that appears counts
 * from zero (the kernel creates it at zero); a counter that moves backwards
 * by more than a plausible wrap is a reset and its delta is skipped.
 *
 * All memory is allocated in monitor_init; a steady-state sample allocates
 * nothing (the tables keep their buffers).
 */
#ifndef TLBISO_MONITOR_H
#define TLBISO_MONITOR_H

#include <stdbool.h>
#include <stdint.h>

#include "classify.h"
#include "conf.h"
#include "cpuset.h"
#include "err.h"
#include "interrupts.h"
#include "path.h"

/* A delta at or above this is not a wrap but a reset (2^31 events in one interval). */
#define MON_RESET_DELTA 0x80000000u

#define MON_IRQ_NAMES 96

/* One slot of a CPU's window: what one sample counted, and how long it lasted. */
struct mon_slot {
	uint32_t src[SRC_COUNT];
	uint32_t ch[CH_COUNT];
	uint32_t dt_us; /* 0 when the sample had no delta for this CPU */
};

struct mon_cpu {
	int cpu;
	bool nohz_full;
	bool online;		   /* had a column in the last sample */
	bool valid;		   /* the last sample gave a delta (not a baseline) */
	int col;		   /* column in the current table, -1 when offline */
	uint32_t delta[SRC_COUNT]; /* last sample */
	uint32_t chan[CH_COUNT];   /* last sample, classified */
	uint64_t total[SRC_COUNT]; /* every delta counted since start (a Prometheus counter) */
	double rate[SRC_COUNT];	   /* events/s over the window */
	double ch_rate[CH_COUNT];
	uint64_t wsum[SRC_COUNT], wsum_ch[CH_COUNT], wsum_dt_us;
	struct mon_slot *ring; /* window slots */
	/* baseline: mean rate of each source over the first baseline_samples valid samples */
	int base_n;
	uint64_t base_sum[SRC_COUNT], base_dt_us;
	double baseline[SRC_COUNT];
	bool base_done;
	char irq_names[MON_IRQ_NAMES]; /* device IRQs seen in the last sample that had any */
	char irq_scratch[MON_IRQ_NAMES];
	uint32_t resets;      /* counters found reset (skipped deltas) */
	uint32_t last_resets; /* of them, found in the last sample */
};

struct monitor {
	int ncpus;	      /* watched CPUs */
	struct mon_cpu *cpus; /* ascending CPU id */
	int window, baseline_samples;
	int pos; /* next ring slot */
	struct irq_table tab[2];
	int cur;	       /* index of the current table; -1 before the first sample */
	uint64_t prev_ns;      /* monotonic time of the current table */
	uint64_t samples;      /* samples taken, the first (baseline) included */
	struct cls_in *cls_in; /* scratch, ncpus */
	uint32_t (*cls_out)[CH_COUNT];
	int *scratch_col;   /* ncpus */
	int online_watched; /* watched CPUs online in the last sample */
};

/*
 * Watch the CPUs of watch (the isolated set); nohz is the nohz_full set.
 * window and baseline_samples come from the config.
 */
int monitor_init(struct monitor *m, const struct cpuset *watch, const struct cpuset *nohz,
		 int window, int baseline_samples, struct tl_err *e);
void monitor_free(struct monitor *m);

/* Read /proc/interrupts and account one sample taken at now_ns (monotonic). */
int monitor_sample(struct monitor *m, const struct tl_path *p, uint64_t now_ns, struct tl_err *e);

/* The same from text (tests, the bench). */
int monitor_feed(struct monitor *m, const char *text, size_t len, uint64_t now_ns,
		 struct tl_err *e);

/* The watched CPU with this id, or NULL. */
const struct mon_cpu *monitor_cpu(const struct monitor *m, int cpu);

/* Allocations made by the tables so far (the bench shows steady state adds none). */
size_t monitor_allocs(const struct monitor *m);

#endif
