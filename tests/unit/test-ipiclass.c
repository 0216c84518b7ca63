// SPDX-License-Identifier: GPL-2.0-or-later
/* The IPI classifier on (callback, callsite) pairs recorded from real traces. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ipiclass.h"

struct recorded {
	const char *callback, *callsite;
	enum ipi_class want;
};

/* Pairs as `tlbisoctl trace` resolved them on 6.18 (and as 6.1-era names would read). */
static const struct recorded cases[] = {
	{"ipi_mb", "membarrier_private_expedited+0x231", IPI_CLASS_MEMBARRIER},
	{"ipi_sync_rq_state", "membarrier_register_private_expedited+0x7a", IPI_CLASS_MEMBARRIER},
	{"ipi_rseq", "membarrier_private_expedited+0x231", IPI_CLASS_MEMBARRIER},
	{"ipi_sync_core", "membarrier_private_expedited+0x231", IPI_CLASS_MEMBARRIER},
	{"do_sync_core", "on_each_cpu_cond_mask+0x20", IPI_CLASS_TEXT_PATCHING},
	{"0xffffffff8130d4f0", "smp_text_poke_batch_finish+0x1c4", IPI_CLASS_TEXT_PATCHING},
	{"", "wakeup_preempt+0x92", IPI_CLASS_RESCHEDULE},
	{"", "update_curr+0x83", IPI_CLASS_RESCHEDULE},
	{"sched_ttwu_pending", "ttwu_queue_wakelist+0xd1", IPI_CLASS_RESCHEDULE},
	{"flush_tlb_func", "native_flush_tlb_multi+0x8f", IPI_CLASS_USER_MM_SHOOTDOWN},
	{"do_kernel_range_flush", "on_each_cpu_cond_mask+0x20", IPI_CLASS_KERNEL_TLB_FLUSH},
	{"do_flush_tlb_all", "on_each_cpu_cond_mask+0x20", IPI_CLASS_KERNEL_TLB_FLUSH},
	{"nohz_full_kick_func", "irq_work_queue_on+0x6a", IPI_CLASS_IRQ_WORK},
	{"rto_push_irq_work_func", "irq_work_queue_on+0x6a", IPI_CLASS_IRQ_WORK},
	{"0xffffffffc0a01230", "irq_work_queue_on+0x10", IPI_CLASS_IRQ_WORK},
	{"generic_smp_call_function_single_interrupt", "on_each_cpu_cond_mask+0x20",
	 IPI_CLASS_OTHER},
	{"nohz_csd_func", "kick_ilb+0x9f", IPI_CLASS_OTHER},
	/* A name that only starts like a known one is not that one. */
	{"ipi_mb_extra", "somewhere+0x1", IPI_CLASS_OTHER},
	{"flush_tlb_func.cold", "native_flush_tlb_multi+0x8f", IPI_CLASS_USER_MM_SHOOTDOWN},
};

static void test_recorded(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum ipi_class got = ipiclass_classify(cases[i].callback, cases[i].callsite);

		if (got != cases[i].want)
			fail_msg("case %zu (%s, %s): got %s, want %s", i, cases[i].callback,
				 cases[i].callsite, ipiclass_name(got),
				 ipiclass_name(cases[i].want));
	}
}

static void test_null_inputs(void **state)
{
	assert_int_equal(ipiclass_classify(NULL, NULL), IPI_CLASS_RESCHEDULE);
	assert_int_equal(ipiclass_classify("0x1234", NULL), IPI_CLASS_OTHER);
}

static void test_names_roundtrip(void **state)
{
	for (int c = 0; c < IPI_CLASS_COUNT; c++) {
		assert_int_equal(ipiclass_parse(ipiclass_name(c)), c);
		assert_true(strlen(ipiclass_remedy(c)) > 10);
	}
	assert_int_equal(ipiclass_parse("bogus"), -1);
	assert_string_equal(ipiclass_name(IPI_CLASS_KERNEL_TLB_FLUSH), "kernel_tlb_flush");
	assert_non_null(strstr(ipiclass_remedy(IPI_CLASS_KERNEL_TLB_FLUSH), "INVLPGB"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded),
		cmocka_unit_test(test_null_inputs),
		cmocka_unit_test(test_names_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
