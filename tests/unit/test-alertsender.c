// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The senders an alert names: which IPI classes each alert asks for, and the
 * formats of the message text, the journal fields / hook environment and the
 * status JSON, including an unnamed sender, an exited one and names with
 * control characters and spaces.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "alertsender.h"

/* A sender as ipiagg_top gives it. */
static struct ipi_sender sender(pid_t pid, const char *comm, const char *unit, const char *callsite,
				enum ipi_class cls, uint64_t count)
{
	struct ipi_sender s = {.pid = pid, .tid = pid, .target_cpu = 1, .cls = cls, .count = count};

	snprintf(s.comm, sizeof(s.comm), "%s", comm);
	snprintf(s.unit, sizeof(s.unit), "%s", unit);
	snprintf(s.callsite, sizeof(s.callsite), "%s", callsite);
	snprintf(s.callback, sizeof(s.callback), "%s", cls == IPI_CLASS_MEMBARRIER ? "ipi_mb" : "");
	return s;
}

/* Each alert asks for the classes its interrupt counter can contain; others name nobody. */
static void test_class_mask(void **state)
{
	unsigned cal = alertsender_class_mask(AL_IPI_OTHER, SRC_CAL);

	(void)state;
	assert_int_equal(alertsender_class_mask(AL_TLB_SHOOTDOWN, SRC_TLB),
			 IPI_CLASS_BIT(IPI_CLASS_USER_MM_SHOOTDOWN));
	assert_int_equal(alertsender_class_mask(AL_KERNEL_TLB_FLUSH, SRC_CAL),
			 IPI_CLASS_BIT(IPI_CLASS_KERNEL_TLB_FLUSH));
	assert_int_equal(alertsender_class_mask(AL_DEFERRAL_REGRESSED, SRC_CAL),
			 IPI_CLASS_BIT(IPI_CLASS_KERNEL_TLB_FLUSH));
	assert_int_equal(alertsender_class_mask(AL_DEFERRAL_REGRESSED, ALERT_SOURCE_STATE), 0);
	assert_int_equal(alertsender_class_mask(AL_IPI_OTHER, SRC_RES),
			 IPI_CLASS_BIT(IPI_CLASS_RESCHEDULE));
	assert_int_equal(alertsender_class_mask(AL_IPI_OTHER, SRC_IWI),
			 IPI_CLASS_BIT(IPI_CLASS_IRQ_WORK));
	/* CAL: membarrier and the rest, a kernel flush too, but not what RES, IWI or TLB count. */
	assert_true(cal & IPI_CLASS_BIT(IPI_CLASS_MEMBARRIER));
	assert_true(cal & IPI_CLASS_BIT(IPI_CLASS_OTHER));
	assert_true(cal & IPI_CLASS_BIT(IPI_CLASS_KERNEL_TLB_FLUSH));
	assert_false(cal & IPI_CLASS_BIT(IPI_CLASS_RESCHEDULE));
	assert_false(cal & IPI_CLASS_BIT(IPI_CLASS_IRQ_WORK));
	assert_false(cal & IPI_CLASS_BIT(IPI_CLASS_USER_MM_SHOOTDOWN));
	assert_int_equal(alertsender_class_mask(AL_TICK, SRC_LOC), 0);
	assert_int_equal(alertsender_class_mask(AL_DEVICE_IRQ, SRC_IRQ), 0);
	assert_int_equal(alertsender_class_mask(AL_INTRUDER, ALERT_SOURCE_TASK), 0);
	assert_int_equal(alertsender_class_mask(AL_REGRESSION, SRC_CAL), 0);
}

/* The message text: "comm[pid] (unit) via callsite", each part only when known. */
static void test_describe(void **state)
{
	struct ipi_sender s = sender(4242, "gen-membarrier", "session-3.scope",
				     "membarrier_private_expedited+0x231", IPI_CLASS_MEMBARRIER, 7);
	char out[320];

	(void)state;
	alertsender_describe(&s, out, sizeof(out));
	assert_string_equal(out, "gen-membarrier[4242] (session-3.scope) via "
				 "membarrier_private_expedited+0x231");
	s.unit[0] = '\0';
	alertsender_describe(&s, out, sizeof(out));
	assert_string_equal(out, "gen-membarrier[4242] via membarrier_private_expedited+0x231");
	s.comm[0] = '\0';
	s.callsite[0] = '\0';
	alertsender_describe(&s, out, sizeof(out));
	assert_string_equal(out, "(exited)[4242]");
	s.pid = s.tid = -1;
	alertsender_describe(&s, out, sizeof(out));
	assert_string_equal(out, "an unnamed sender");
	/* Truncation keeps a terminated string. */
	s = sender(1, "a", "b.service", "c", IPI_CLASS_OTHER, 1);
	alertsender_describe(&s, out, 8);
	assert_string_equal(out, "a[1] (b");
}

/* Journal fields and hook variables: the top sender, then the compact list of all. */
static void test_vars(void **state)
{
	struct alert_senders as = {.n = 2};
	char v[ALERTSENDER_VARS][ALERTSENDER_VAR_MAX];

	(void)state;
	as.s[0] = sender(4242, "gen-membarrier", "", "membarrier_private_expedited+0x231",
			 IPI_CLASS_MEMBARRIER, 3000);
	as.s[1] = sender(17, "tlbisod", "tlbiso.service", "text_poke_bp_batch+0x10",
			 IPI_CLASS_TEXT_PATCHING, 12);
	assert_int_equal(alertsender_vars(&as, v), ALERTSENDER_VARS);
	assert_string_equal(v[0], "TLBISO_SENDER_COMM=gen-membarrier");
	assert_string_equal(v[1], "TLBISO_SENDER_PID=4242");
	assert_string_equal(v[2], "TLBISO_SENDER_UNIT=");
	assert_string_equal(v[3], "TLBISO_SENDER_CALLSITE=membarrier_private_expedited+0x231");
	assert_string_equal(v[4], "TLBISO_SENDER_CLASS=membarrier");
	assert_string_equal(v[5], "TLBISO_SENDER_COUNT=3000");
	assert_string_equal(v[6], "TLBISO_SENDERS=gen-membarrier[4242]:membarrier:3000 "
				  "tlbisod[17]:text_patching:12");
	as.n = 0;
	assert_int_equal(alertsender_vars(&as, v), 0);
	assert_int_equal(alertsender_vars(NULL, v), 0);
}

/* Names from /proc may hold anything: no newline reaches a field, no space splits the list. */
static void test_vars_hostile_names(void **state)
{
	struct alert_senders as = {.n = 2};
	char v[ALERTSENDER_VARS][ALERTSENDER_VAR_MAX];

	(void)state;
	as.s[0] = sender(5, "evil\nX=1 a", "a\tb.service", "", IPI_CLASS_OTHER, 2);
	as.s[1] = sender(-1, "", "", "", IPI_CLASS_OTHER, 1);
	assert_int_equal(alertsender_vars(&as, v), ALERTSENDER_VARS);
	assert_string_equal(v[0], "TLBISO_SENDER_COMM=evil?X=1 a");
	assert_string_equal(v[2], "TLBISO_SENDER_UNIT=a?b.service");
	assert_string_equal(v[6], "TLBISO_SENDERS=evil?X=1_a[5]:other:2 ?:other:1");
	/* An unnamed top sender (receiver side): empty comm and pid. */
	as.s[0] = as.s[1];
	assert_int_equal(alertsender_vars(&as, v), ALERTSENDER_VARS);
	assert_string_equal(v[0], "TLBISO_SENDER_COMM=");
	assert_string_equal(v[1], "TLBISO_SENDER_PID=");
}

/* The status JSON: one object per sender, pid null when the kernel could not name it. */
static void test_json(void **state)
{
	struct alert_senders as = {.n = 2};
	json_object *a, *o, *v;

	(void)state;
	as.s[0] = sender(4242, "gen-membarrier", "x.scope", "membarrier_private_expedited+0x231",
			 IPI_CLASS_MEMBARRIER, 3000);
	as.s[1] = sender(-1, "", "", "", IPI_CLASS_OTHER, 4);
	as.s[1].target_cpu = -1;
	a = alertsender_json(&as);
	assert_int_equal(json_object_array_length(a), 2);
	o = json_object_array_get_idx(a, 0);
	assert_true(json_object_object_get_ex(o, "pid", &v));
	assert_int_equal(json_object_get_int(v), 4242);
	assert_true(json_object_object_get_ex(o, "comm", &v));
	assert_string_equal(json_object_get_string(v), "gen-membarrier");
	assert_true(json_object_object_get_ex(o, "unit", &v));
	assert_string_equal(json_object_get_string(v), "x.scope");
	assert_true(json_object_object_get_ex(o, "class", &v));
	assert_string_equal(json_object_get_string(v), "membarrier");
	assert_true(json_object_object_get_ex(o, "callback", &v));
	assert_string_equal(json_object_get_string(v), "ipi_mb");
	assert_true(json_object_object_get_ex(o, "count", &v));
	assert_int_equal(json_object_get_int64(v), 3000);
	assert_true(json_object_object_get_ex(o, "target_cpu", &v));
	assert_int_equal(json_object_get_int(v), 1);
	o = json_object_array_get_idx(a, 1);
	assert_true(json_object_object_get_ex(o, "pid", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(o, "target_cpu", &v));
	assert_null(v);
	json_object_put(a);
	a = alertsender_json(NULL);
	assert_int_equal(json_object_array_length(a), 0);
	json_object_put(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_class_mask), cmocka_unit_test(test_describe),
		cmocka_unit_test(test_vars),	   cmocka_unit_test(test_vars_hostile_names),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
