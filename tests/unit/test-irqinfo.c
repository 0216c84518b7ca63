// SPDX-License-Identifier: GPL-2.0-or-later
/* IRQ affinity enumeration: names from /proc/interrupts, effective masks, vanished IRQs. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "interrupts.h"
#include "irqinfo.h"

static const char *interrupts_text =
	"            CPU0       CPU1       CPU2       CPU3       \n"
	"   0:         46          0          0          0   IO-APIC   2-edge      timer\n"
	"  24:          0          0        812          0  PCI-MSI 512000-edge      "
	"ahci[0000:00:1f.2]\n"
	"  25:         10          0          0          0  PCI-MSI 1048576-edge      "
	"virtio0-config\n"
	"  27:          0          0          0          0  GICv3  27 Level     arch_timer\n"
	"  28:          3          0          0          0  IR-PCI-MSIX-0000:00:14.3    0-edge     "
	" "
	"iwlwifi: default queue\n"
	" NMI:          0          0          0          0   Non-maskable interrupts\n";

static void mk(const char *root, const char *rel, const char *text)
{
	char path[512], cmd[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static const struct irq_affinity *find(const struct irq_affinity_list *l, int irq)
{
	for (int i = 0; i < l->n; i++)
		if (l->items[i].irq == irq)
			return &l->items[i];
	return NULL;
}

static void test_read(void **state)
{
	char root[] = "/tmp/tlbiso-irqinfo-XXXXXX", cmd[128];
	struct irq_affinity_list l = {0};
	const struct irq_affinity *a;
	struct irq_table t;
	struct cpuset def;
	struct tl_path p;
	struct tl_err e;

	assert_non_null(mkdtemp(root));
	mk(root, "proc/interrupts", interrupts_text);
	mk(root, "proc/irq/default_smp_affinity", "f\n");
	mk(root, "proc/irq/0/smp_affinity_list", "0-3\n");
	mk(root, "proc/irq/0/effective_affinity_list", "0\n");
	mk(root, "proc/irq/24/smp_affinity_list", "2\n");
	mk(root, "proc/irq/25/smp_affinity_list", "0-1\n");
	mk(root, "proc/irq/27/smp_affinity_list", "0-3\n");
	mk(root, "proc/irq/28/smp_affinity_list", "0\n");
	/* A directory without files: the IRQ vanished between readdir and read. */
	mk(root, "proc/irq/99/.keep", "");
	assert_int_equal(tl_path_init(&p, root, &e), 0);
	irq_table_init(&t);
	assert_int_equal(irq_table_read(&t, &p, &e), 0);
	assert_int_equal(irqinfo_read(&l, &p, &t, &e), 0);
	assert_int_equal(l.n, 5);
	assert_int_equal(l.items[0].irq, 0);
	a = find(&l, 0);
	assert_string_equal(a->name, "timer");
	assert_string_equal(a->chip, "IO-APIC   2-edge");
	assert_true(a->has_effective);
	assert_int_equal(cpuset_count(&a->effective), 1);
	a = find(&l, 24);
	assert_string_equal(a->name, "ahci[0000:00:1f.2]");
	assert_false(a->has_effective);
	assert_true(cpuset_isset(&a->effective, 2));
	assert_string_equal(find(&l, 27)->name, "arch_timer");
	assert_string_equal(find(&l, 28)->name, "iwlwifi: default queue");
	assert_null(find(&l, 99));
	assert_int_equal(irqinfo_default_affinity(&p, &def, &e), 0);
	assert_int_equal(cpuset_count(&def), 4);
	irqinfo_free(&l);
	irq_table_free(&t);
	tl_path_fini(&p);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

static void test_live(void **state)
{
	struct irq_affinity_list l = {0};
	struct tl_path p;
	struct tl_err e;

	/* Every machine has /proc/irq; only the shape is asserted. */
	assert_int_equal(tl_path_init(&p, "/", &e), 0);
	assert_int_equal(irqinfo_read(&l, &p, NULL, &e), 0);
	for (int i = 1; i < l.n; i++)
		assert_true(l.items[i - 1].irq < l.items[i].irq);
	irqinfo_free(&l);
	tl_path_fini(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
