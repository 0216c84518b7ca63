/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who sends IPIs to the isolated CPUs: a private tracefs instance
 * ("tlbiso-<pid>") whose events name the sender, the callsite and the
 * callback of every IPI aimed at a target set, aggregated by ipiagg.
 *
 * Kernel paths:
 * - sender (6.6+: ipi events and CPUS{} filters): ipi:ipi_send_cpu filtered
 *   "cpu & CPUS{targets}" and ipi:ipi_send_cpumask filtered
 *   "cpumask & CPUS{targets}", recorded on the sending CPU with its pid;
 *   csd:csd_queue_cpu (same filter) names the function behind the generic
 *   callback that smp_call_function_many() reports;
 * - receiver (older kernels, x86): irq_vectors call_function{,_single},
 *   reschedule and irq_work entries on the target CPUs, with tlb:tlb_flush
 *   "remote shootdown" for user-mm flushes and the most recent "remote ipi
 *   send" elsewhere as their sender, and kprobes (ipiprobe.h, when the
 *   kernel has kprobe events) for kernel-range flushes and their sender.
 *   Other call-function IPIs have no callback or sender there (class
 *   "other", sender unknown).
 *
 * Cost to the system: enabling the events flips static keys, and each flip's
 * text patching interrupts every CPU (12 IPIs per CPU measured on 6.18);
 * disabling them at close does it once more. Arm once. The ring buffer keeps
 * the size the kernel gave the instance, as resizing it queues work on every
 * CPU.
 * Reading never blocks: the per-CPU trace_pipe_raw descriptors are
 * non-blocking and each call reads a bounded number of pages. The kernel's
 * ring buffer overwrites what was not read in time; those events are counted
 * in the lost figure from per_cpu/cpuN/stats. Polling the descriptors wakes at
 * buffer_percent fill; call ipitrace_on_readable(t, -1) on a timer too, so
 * low rates are seen promptly.
 */
#ifndef TLBISO_IPITRACE_H
#define TLBISO_IPITRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpuset.h"
#include "err.h"
#include "ipiagg.h"
#include "path.h"

enum ipitrace_path { IPITRACE_SENDER, IPITRACE_RECEIVER };

struct ipitrace_opts {
	struct cpuset targets;	 /* the isolated CPUs to attribute IPIs to */
	size_t buffer_kb;	 /* per-CPU ring buffer, 0: the kernel's (no resize: see .c) */
	unsigned buffer_percent; /* poll wake-up fill level, 0: 50 */
	unsigned budget_pages;	 /* pages read per descriptor per call, 0: 64 */
	size_t max_entries;	 /* aggregation cap, 0: 4096 */
	bool force_receiver;	 /* use the receiver path even where the sender path works */
};

struct ipitrace;

/* "sender" or "receiver", as in the JSON schema. */
const char *ipitrace_path_name(enum ipitrace_path path);

/*
 * Remove instances "tlbiso-<pid>" left by processes that no longer exist
 * (a crash, a kill -9). Returns how many were removed, or a negative errno.
 */
int ipitrace_clean_stale(struct tl_err *e);

/*
 * Create the instance, load kallsyms (p is borrowed: it must outlive t), set
 * the filters and enable the events: this is the one-time burst of IPIs to every CPU.
 * Errors: -ENODEV tracefs not mounted, -EACCES not root, -ENOTSUP no usable
 * tracepoints, -EINVAL empty target set.
 */
int ipitrace_open(struct ipitrace **out, const struct tl_path *p, const struct ipitrace_opts *o,
		  struct tl_err *e);

enum ipitrace_path ipitrace_kernel_path(const struct ipitrace *t);

/* True when kallsyms gave zeros (not root): names are then raw addresses. */
bool ipitrace_symbols_hidden(const struct ipitrace *t);

/* The instance's name ("tlbiso-1234"). */
const char *ipitrace_instance_name(const struct ipitrace *t);

/* The descriptors to poll for POLLIN (one per online CPU); returns how many (<= max). */
int ipitrace_fds(const struct ipitrace *t, int *fds, int max);

/*
 * Read what is there without blocking: fd is one of ipitrace_fds(), or -1
 * for all of them. Returns the number of ring-buffer pages read (0: nothing
 * was waiting), or a negative errno. Each descriptor gives at most
 * budget_pages per call, so a caller that must empty the buffers repeats
 * until 0.
 */
int ipitrace_on_readable(struct ipitrace *t, int fd, struct tl_err *e);

/* Lost IPIs: the kernel's overruns and drops for this instance plus aggregation drops. */
uint64_t ipitrace_lost(struct ipitrace *t);

/* The aggregation so far (the `trace` verb prints it). */
const struct ipiagg *ipitrace_agg(const struct ipitrace *t);

/*
 * The top senders in the last window_s seconds (CLOCK_MONOTONIC now), among
 * classes in class_mask, to target cpu (-1: any). For alerts.
 */
size_t ipitrace_top_senders(const struct ipitrace *t, unsigned window_s, unsigned class_mask,
			    int cpu, struct ipi_sender *out, size_t n);

/* Disable the events (one more burst of IPIs to every CPU) and remove the instance. NULL is fine. */
void ipitrace_close(struct ipitrace *t);

#endif
