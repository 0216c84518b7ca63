// SPDX-License-Identifier: GPL-2.0-or-later
/* Classes of IPIs reaching isolated CPUs, the rules that name them, and the remedies. */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "ipiclass.h"

struct ipiclass_info {
	const char *name;
	const char *remedy;
};

static const struct ipiclass_info ipiclass_table[IPI_CLASS_COUNT] = {
	[IPI_CLASS_KERNEL_TLB_FLUSH] = {"kernel_tlb_flush",
					"COALESCE_TLBI defers this; INVLPGB removes it"},
	[IPI_CLASS_USER_MM_SHOOTDOWN] =
		{"user_mm_shootdown",
		 "the sender is usually a thread of the same process: look at its "
		 "munmap/mprotect/madvise, or keep it off the isolated CPUs' mm"},
	[IPI_CLASS_TEXT_PATCHING] = {"text_patching",
				     "static key or kprobe flip: avoid enabling tracepoints, "
				     "kprobes or static keys at run time"},
	[IPI_CLASS_IRQ_WORK] = {"irq_work",
				"remote irq_work (nohz_full kick, RT push): keep the sender's "
				"timers and RT tasks off the isolated CPUs"},
	[IPI_CLASS_RESCHEDULE] = {"reschedule",
				  "a task was woken or placed on the isolated CPU: check the "
				  "affinity of the sender's threads and of kthreads"},
	[IPI_CLASS_MEMBARRIER] = {"membarrier",
				  "the sender calls membarrier(2) (JIT, RCU-like userspace "
				  "libraries): its threads on isolated CPUs get an IPI each call"},
	[IPI_CLASS_OTHER] = {"other", "look at the callback: it names the kernel function run"},
};

const char *ipiclass_name(enum ipi_class c)
{
	return (unsigned)c < IPI_CLASS_COUNT ? ipiclass_table[c].name : "other";
}

const char *ipiclass_remedy(enum ipi_class c)
{
	return (unsigned)c < IPI_CLASS_COUNT ? ipiclass_table[c].remedy : "";
}

int ipiclass_parse(const char *name)
{
	for (int c = 0; c < IPI_CLASS_COUNT; c++)
		if (!strcmp(name, ipiclass_table[c].name))
			return c;
	return -1;
}

/* True when "sym+0xoff" names exactly sym (the offset does not matter). */
static bool sym_is(const char *s, const char *sym)
{
	size_t n = strlen(sym);

	return !strncmp(s, sym, n) && (s[n] == '\0' || s[n] == '+' || s[n] == '.');
}

/* True when the symbol part of "sym+0xoff" contains the substring. */
static bool sym_has(const char *s, const char *part)
{
	const char *hit = strstr(s, part);
	const char *plus = strchr(s, '+');

	return hit && (!plus || hit < plus);
}

/* Callback names: the function the target CPU runs says most about the cause. */
static int ipiclass_by_callback(const char *cb)
{
	static const struct {
		const char *sym;
		enum ipi_class c;
	} rules[] = {
		{"do_kernel_range_flush", IPI_CLASS_KERNEL_TLB_FLUSH},
		{"do_flush_tlb_all", IPI_CLASS_KERNEL_TLB_FLUSH},
		{"flush_tlb_func", IPI_CLASS_USER_MM_SHOOTDOWN},
		{"do_sync_core", IPI_CLASS_TEXT_PATCHING},
		{"ipi_mb", IPI_CLASS_MEMBARRIER},
		{"ipi_sync_rq_state", IPI_CLASS_MEMBARRIER},
		{"ipi_rseq", IPI_CLASS_MEMBARRIER},
		{"ipi_sync_core", IPI_CLASS_MEMBARRIER},
		{"nohz_full_kick_func", IPI_CLASS_IRQ_WORK},
		{"sched_ttwu_pending", IPI_CLASS_RESCHEDULE},
	};

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (sym_is(cb, rules[i].sym))
			return rules[i].c;
	if (sym_has(cb, "text_poke"))
		return IPI_CLASS_TEXT_PATCHING;
	if (sym_has(cb, "irq_work"))
		return IPI_CLASS_IRQ_WORK;
	return -1;
}

/* Callsite names, for callbacks that do not say (irq_work funcs, text_poke helpers). */
static int ipiclass_by_callsite(const char *cs)
{
	if (sym_has(cs, "text_poke"))
		return IPI_CLASS_TEXT_PATCHING;
	if (sym_has(cs, "irq_work"))
		return IPI_CLASS_IRQ_WORK;
	if (sym_has(cs, "membarrier"))
		return IPI_CLASS_MEMBARRIER;
	if (sym_has(cs, "resched"))
		return IPI_CLASS_RESCHEDULE;
	return -1;
}

enum ipi_class ipiclass_classify(const char *callback, const char *callsite)
{
	int c;

	callback = callback ? callback : "";
	callsite = callsite ? callsite : "";
	c = ipiclass_by_callback(callback);
	if (c < 0)
		c = ipiclass_by_callsite(callsite);
	if (c < 0 && callback[0] == '\0')
		c = IPI_CLASS_RESCHEDULE;
	return c < 0 ? IPI_CLASS_OTHER : (enum ipi_class)c;
}
