/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's sampler: /proc/interrupts read a chunk at a time and parsed a
 * row at a time, per-CPU per-source deltas for the watched (isolated) CPUs,
 * the classified channels, and rates over a sliding window of samples.
 *
 * Memory does not follow the file: the monitor keeps, as its baseline, the
 * last counters of the watched CPUs for the rows it rates (device IRQs, TLB,
 * CAL, RES, LOC, IWI and arm's IPIs), nothing of the other CPUs' columns nor
 * of the text, and updates that baseline in place as each row is parsed.
 *
 * Deltas are wrap-safe (32-bit kernel counters) and hotplug-safe: CPUs are
 * matched by id, not by column; a CPU that goes offline has no delta, and its
 * first sample after it returns is a new baseline. A row that appears counts
 * from zero (the kernel creates it at zero); a counter that moves backwards
 * by more than a plausible wrap is a reset and its delta is skipped. A sample
 * that fails part-way (a malformed or truncated file) has already replaced
 * part of the baseline: it is skipped, and the next good sample is a new
 * baseline for every CPU.
 *
 * The baseline's counters are packed a row at a time (ctrpack.h): most rows
 * of isolated CPUs hold zeros or small counts. A row whose watched counters
 * read as they did (same fingerprint) is not touched; a row that changed is
 * unpacked, its deltas taken, and packed again in its own buffer.
 *
 * All memory is allocated in monitor_init or grows with the file; a
 * steady-state sample allocates nothing (a row's buffer keeps some slack, and
 * is reallocated only when its counters need more room). When the set of
 * rows changes (an IRQ comes or goes), the rest of the old baseline is set
 * aside for that sample only.
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

/* Most bytes read of /proc/interrupts at once; the read buffer's size (grown for longer lines). */
#define MON_CHUNK 65536

/* One slot of a CPU's window: what one sample counted, and how long it lasted. */
struct mon_slot {
	uint32_t src[SRC_COUNT];
	uint32_t ch[CH_COUNT];
	uint32_t dt_us; /* 0 when the sample had no delta for this CPU */
};

/*
 * A watched CPU: only counters and sums; rates and the baseline are derived
 * from them on demand (mon_cpu_rate and friends). The names of its device
 * IRQs live out of line, in pages touched only for CPUs that had any.
 */
struct mon_cpu {
	int cpu;
	int col; /* column in the current table, -1 when offline */
	bool nohz_full;
	bool online;	/* had a column in the last sample */
	bool valid;	/* the last sample gave a delta (not a baseline) */
	bool base_done; /* the baseline is learnt */
	bool has_irqs;	/* irq_buf[irq_cur] names the device IRQs of the last sample that had any */
	unsigned char irq_cur;	   /* which of the two irq_buf is the names, the other is scratch */
	unsigned char irq_len;	   /* of the scratch, in this sample */
	uint32_t delta[SRC_COUNT]; /* last sample */
	uint32_t chan[CH_COUNT];   /* last sample, classified */
	uint64_t total[SRC_COUNT]; /* every delta counted since start (a Prometheus counter) */
	uint64_t wsum[SRC_COUNT], wsum_ch[CH_COUNT], wsum_dt_us; /* over the window */
	struct mon_slot *ring; /* window slots, in the monitor's array */
	/* baseline: mean rate of each source over the first baseline_samples valid samples */
	int base_n;
	uint64_t base_sum[SRC_COUNT], base_dt_us;
	char (*irq_buf)[MON_IRQ_NAMES]; /* two buffers, in the monitor's irq_names mapping */
	uint32_t resets;		/* counters found reset (skipped deltas) */
	uint32_t last_resets;		/* of them, found in the last sample */
};

/*
 * A row of the baseline: one the monitor rates, the source it feeds, and the
 * watched CPUs' last counters, packed (ctrpack.h; offline CPUs hold 0).
 */
struct mon_row {
	char name[IRQ_NAME_MAX];
	int src;
	uint64_t print;	     /* fingerprint of its watched counters' text (irq_row_select_print) */
	unsigned char *data; /* the packed counters and CTRPACK_PAD bytes, in cap bytes */
	uint32_t len, cap;
	unsigned char enc; /* enum ctrpack_enc */
};

/*
 * The rows of a baseline. Slots from nrows to rows_cap keep the buffers of
 * rows gone (until the sample ends) or are empty; every slot owns its data.
 */
struct mon_base {
	struct mon_row *rows;
	int nrows;
	size_t rows_cap;
};

/* One name already seen in the sample being parsed, and how many rows had it. */
struct mon_seen {
	char name[IRQ_NAME_MAX];
	int n;
	unsigned int gen; /* the sample that used the slot; others are free */
};

struct monitor {
	int ncpus;	      /* watched CPUs */
	struct mon_cpu *cpus; /* ascending CPU id */
	int window, baseline_samples;
	int pos;	  /* next ring slot */
	bool have_base;	  /* base holds a whole good sample (false at first and after a failure) */
	uint64_t prev_ns; /* monotonic time of the base */
	uint64_t samples; /* samples taken, the first (baseline) included */
	struct mon_base base;
	/* per-sample state and scratch; grown with the file, kept between samples */
	struct irq_table hdr;  /* the header (columns) of the sample being parsed */
	struct irq_select sel; /* the online watched CPUs' columns */
	int *sel_col;	       /* the columns of sel */
	int *sel_cpu;	       /* watched index of each selected column */
	unsigned char *valid;  /* cpus[i].valid, packed: the row loop stays in cache */
	size_t scratch_cap;
	struct mon_base old;   /* the rest of the base, while the set of rows changes */
	uint32_t *row_old;     /* scratch, ncpus: a row's previous counters, unpacked */
	uint32_t *row_new;     /* scratch, ncpus: its new counters, to pack */
	int old_pos;	       /* where the next lookup in old starts */
	int nrows;	       /* rows of this sample in base so far */
	int line;	       /* of the file, for messages */
	bool dt_ok;	       /* this sample can give deltas */
	bool same_cols;	       /* the watched CPUs have the columns of the base: prints compare */
	int base_ncols;	       /* columns of the file the base was read from */
	struct mon_seen *seen; /* open addressing, seen_cap slots (a power of two) */
	size_t seen_cap, seen_n;
	unsigned int seen_gen;	/* this sample's stamp, never 0 */
	struct tl_buf buf;	/* the read buffer */
	int fd;			/* /proc/interrupts kept open on the live system, else -1 */
	size_t chunk;		/* most bytes read at once (tests make it small) */
	size_t allocs;		/* growths of the scratch and base arrays */
	uint64_t rows_skipped;	/* rated rows found unchanged, not converted */
	struct mon_slot *rings; /* every CPU's window, ncpus x window */
	char (*irq_names)[MON_IRQ_NAMES]; /* 2 per CPU, an anonymous mapping: see mon_cpu */
	size_t irq_names_len;		  /* its length */
	struct cls_in *cls_in;		  /* scratch, ncpus */
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

/* Events/s of a source over the window; 0 for a CPU with no valid sample in it. */
double mon_cpu_rate(const struct mon_cpu *c, int src);

/* The same for a classified channel. */
double mon_cpu_ch_rate(const struct mon_cpu *c, int ch);

/* The learnt mean rate of a source (0 until base_done). */
double mon_cpu_baseline(const struct mon_cpu *c, int src);

/* The device IRQs ("24:eth0,25:nvme0q1") of the last sample that had any, or "". */
const char *mon_cpu_irqs(const struct mon_cpu *c);

/* Bytes allocated for the baseline: its rows, their packed counters, the unpacking scratch. */
size_t monitor_base_bytes(const struct monitor *m);

/* Allocations made by the sampler so far (the bench shows steady state adds none). */
size_t monitor_allocs(const struct monitor *m);

#endif
