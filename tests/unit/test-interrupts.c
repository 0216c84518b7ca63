// SPDX-License-Identifier: GPL-2.0-or-later
/* /proc/interrupts: every fixture, malformed input, steady-state allocations, wrap. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "gen-interrupts.h"
#include "interrupts.h"

/* Read a fixture of tests/fixtures/interrupts into b. */
static void load_fixture(const char *name, struct tl_buf *b)
{
	const char *top = getenv("top_srcdir");
	char path[1024];
	struct tl_path p;
	struct tl_err e;

	snprintf(path, sizeof(path), "%s/tests/fixtures/interrupts", top ? top : ".");
	assert_int_equal(tl_path_init(&p, path, &e), 0);
	snprintf(path, sizeof(path), "/%s", name);
	if (tl_path_read_buf(&p, path, b, &e) < 0)
		fail_msg("%s", e.msg);
	tl_path_fini(&p);
}

/* Parse a fixture into t, failing the test with the parser's message. */
static void parse_fixture(struct irq_table *t, const char *name)
{
	struct tl_buf b = {0};
	struct tl_err e;

	load_fixture(name, &b);
	if (irq_table_parse(t, b.data, b.len, &e) < 0)
		fail_msg("%s: %s", name, e.msg);
	tl_buf_free(&b);
}

/* Expect a parse error whose message contains want. */
static void expect_error(const char *text, int code, const char *want)
{
	struct irq_table t;
	struct tl_err e = {0};

	irq_table_init(&t);
	assert_int_equal(irq_table_parse(&t, text, strlen(text), &e), -code);
	if (!strstr(e.msg, want))
		fail_msg("error \"%s\" lacks \"%s\"", e.msg, want);
	assert_int_equal(t.nrows, 0);
	assert_int_equal(t.ncols, 0);
	irq_table_free(&t);
}

static uint32_t count_of(const struct irq_table *t, const char *name, int cpu)
{
	const struct irq_row *r = irq_table_find(t, name);
	uint32_t v = 0;

	assert_non_null(r);
	assert_true(irq_row_count(t, r, cpu, &v));
	return v;
}

static void assert_desc(const struct irq_row *r, const char *want)
{
	assert_non_null(r);
	assert_int_equal(r->desc_len, strlen(want));
	assert_memory_equal(r->desc, want, r->desc_len);
}

static void test_x86_vm_captured(void **state)
{
	struct irq_table t;
	const struct irq_row *r;

	irq_table_init(&t);
	parse_fixture(&t, "x86-vm-6.18.txt");
	assert_int_equal(t.ncols, 2);
	assert_int_equal(t.col_cpu[0], 0);
	assert_int_equal(t.col_cpu[1], 1);
	assert_int_equal(t.nrows, 34);
	assert_int_equal(count_of(&t, "36", 1), 116645);
	assert_int_equal(count_of(&t, "LOC", 0), 280722);
	assert_int_equal(count_of(&t, "CAL", 1), 65549);
	r = irq_table_find(&t, "24");
	assert_true(r->numbered);
	assert_int_equal(r->irq, 24);
	assert_desc(r, "IO-APIC   5-edge      ACPI:Ged");
	assert_desc(irq_table_find(&t, "TLB"), "TLB shootdowns");
	r = irq_table_find(&t, "ERR");
	assert_true(r->global);
	assert_null(r->counts);
	assert_int_equal(r->global_value, 0);
	assert_int_equal(r->desc_len, 0);
	assert_false(irq_table_find(&t, "LOC")->numbered);
	assert_int_equal(irq_table_find(&t, "LOC")->irq, -1);
	irq_table_free(&t);
}

static void test_x86_offline_cpu(void **state)
{
	struct irq_table t;
	const struct irq_row *tlb;
	uint32_t v;

	irq_table_init(&t);
	parse_fixture(&t, "x86-offline-cpu2.txt");
	assert_int_equal(t.ncols, 3);
	assert_int_equal(t.col_cpu[2], 3);
	assert_int_equal(cpuset_count(&t.cpus), 3);
	assert_false(cpuset_isset(&t.cpus, 2));
	assert_int_equal(irq_table_col(&t, 3), 2);
	assert_int_equal(irq_table_col(&t, 2), -1);
	assert_int_equal(irq_table_col(&t, 4), -1);
	tlb = irq_table_find(&t, "TLB");
	assert_false(irq_row_count(&t, tlb, 2, &v));
	assert_int_equal(count_of(&t, "TLB", 3), 33);
	assert_int_equal(count_of(&t, "CAL", 1), 800);
	assert_int_equal(count_of(&t, "123", 3), 98765);
	assert_int_equal(irq_table_find(&t, "ERR")->global_value, 1);
	assert_true(irq_table_find(&t, "MIS")->global);
	assert_false(irq_row_count(&t, irq_table_find(&t, "ERR"), 0, &v));
	assert_desc(irq_table_find(&t, "9"), "IO-APIC   9-fasteoi   acpi");
	assert_null(irq_table_find(&t, "HYP"));
	irq_table_free(&t);
}

static void test_x86_96cpu(void **state)
{
	struct irq_table t;

	irq_table_init(&t);
	parse_fixture(&t, "x86-96cpu.txt");
	assert_int_equal(t.ncols, 96);
	assert_int_equal(t.col_cpu[95], 95);
	assert_int_equal(count_of(&t, "1234", 0), 4294967295u);
	assert_int_equal(count_of(&t, "TLB", 95), 3999999999u);
	assert_int_equal(count_of(&t, "8", 95), 1);
	assert_desc(irq_table_find(&t, "24"),
		    "PCI-MSIX-0000:3b:00.0    1-edge      mlx5_comp0@pci:0000:3b:00.0");
	assert_true(irq_table_find(&t, "ERR")->global);
	irq_table_free(&t);
}

static void test_x86_newer_layout(void **state)
{
	struct irq_table t;
	const struct irq_row *err;

	irq_table_init(&t);
	parse_fixture(&t, "x86-newer-layout.txt");
	assert_int_equal(t.ncols, 4);
	err = irq_table_find(&t, "ERR");
	assert_false(err->global);
	assert_int_equal(count_of(&t, "ERR", 1), 1);
	assert_int_equal(count_of(&t, "TLB", 3), 10);
	assert_int_equal(count_of(&t, "25", 3), 777);
	assert_desc(irq_table_find(&t, "VPMI"), "Perf Guest Mediated PMI");
	assert_null(irq_table_find(&t, "SPU"));
	irq_table_free(&t);
}

static void test_arm64(void **state)
{
	struct irq_table t;
	const struct irq_row *r;

	irq_table_init(&t);
	parse_fixture(&t, "arm64-gicv3-4cpu.txt");
	assert_int_equal(t.ncols, 4);
	assert_int_equal(count_of(&t, "IPI0", 2), 805678);
	assert_int_equal(count_of(&t, "IPI1", 3), 38765);
	assert_desc(irq_table_find(&t, "IPI0"), "Rescheduling interrupts");
	assert_desc(irq_table_find(&t, "IPI7"), "KGDB roundup interrupts");
	assert_desc(irq_table_find(&t, "60"), "ITS-MSI 1048576 Edge      enP2p1s0f0-TxRx-0");
	assert_int_equal(count_of(&t, "11", 0), 5123456);
	r = irq_table_find(&t, "Err");
	assert_true(r->global);
	assert_int_equal(r->global_value, 0);
	irq_table_free(&t);
}

static void test_arm32(void **state)
{
	struct irq_table t;

	irq_table_init(&t);
	parse_fixture(&t, "arm32-gicv2-4cpu.txt");
	assert_int_equal(count_of(&t, "IPI3", 0), 1111);
	assert_int_equal(count_of(&t, "IPI3", 3), 4444);
	assert_desc(irq_table_find(&t, "IPI3"), "Function call interrupts");
	assert_desc(irq_table_find(&t, "31"), "GICv2  66 Level     VCHIQ doorbell");
	assert_true(irq_table_find(&t, "Err")->global);
	irq_table_free(&t);
}

static void test_riscv(void **state)
{
	struct irq_table t;

	irq_table_init(&t);
	parse_fixture(&t, "riscv-plic-4cpu.txt");
	assert_int_equal(count_of(&t, "IPI1", 3), 7004);
	assert_desc(irq_table_find(&t, "IPI3"), "CPU stop (for crash dump) interrupts");
	assert_desc(irq_table_find(&t, "5"), "RISC-V INTC   5 Edge      riscv-timer");
	assert_null(irq_table_find(&t, "Err"));
	irq_table_free(&t);
}

static void test_ppc64_loc_twice(void **state)
{
	struct irq_table t;
	const struct irq_row *loc0, *loc1;
	uint32_t v;

	irq_table_init(&t);
	parse_fixture(&t, "ppc64-power9-8cpu.txt");
	assert_int_equal(t.ncols, 8);
	loc0 = irq_table_find(&t, "LOC");
	loc1 = irq_table_find_nth(&t, "LOC", 1);
	assert_non_null(loc1);
	assert_ptr_equal(irq_table_find_nth(&t, "LOC", 0), loc0);
	assert_null(irq_table_find_nth(&t, "LOC", 2));
	assert_int_equal(loc0->occurrence, 0);
	assert_int_equal(loc1->occurrence, 1);
	assert_true(irq_row_count(&t, loc0, 0, &v));
	assert_int_equal(v, 31234567);
	assert_true(irq_row_count(&t, loc1, 7, &v));
	assert_int_equal(v, 18);
	assert_desc(loc1, "Local timer interrupts for others");
	assert_int_equal(count_of(&t, "DBL", 4), 905);
	assert_int_equal(irq_table_find(&t, "BCT")->occurrence, 0);
	irq_table_free(&t);
}

/* Turn the kernel's fixed layout into single blanks, so the general path parses it. */
static size_t squeeze_blanks(const char *in, char *out)
{
	size_t n = 0;

	for (const char *p = in; *p; p++)
		if (!(*p == ' ' && n > 0 && out[n - 1] == ' '))
			out[n++] = *p;
	out[n] = '\0';
	return n;
}

/* The fixed-field fast path and the general path must read the same numbers. */
static void test_fast_and_general_paths_agree(void **state)
{
	struct irq_table a, b;
	struct tl_buf text = {0};
	struct tl_err e;
	char *squeezed;
	size_t n;

	irq_table_init(&a);
	irq_table_init(&b);
	load_fixture("x86-96cpu.txt", &text);
	squeezed = malloc(text.len + 1);
	n = squeeze_blanks(text.data, squeezed);
	assert_true(n < text.len / 2);
	assert_int_equal(irq_table_parse(&a, text.data, text.len, &e), 0);
	assert_int_equal(irq_table_parse(&b, squeezed, n, &e), 0);
	assert_int_equal(a.nrows, b.nrows);
	for (int i = 0; i < a.nrows; i++) {
		assert_string_equal(a.rows[i].name, b.rows[i].name);
		assert_int_equal(a.rows[i].global, b.rows[i].global);
		if (!a.rows[i].global)
			assert_memory_equal(a.rows[i].counts, b.rows[i].counts,
					    sizeof(uint32_t) * (size_t)a.ncols);
	}
	free(squeezed);
	tl_buf_free(&text);
	irq_table_free(&a);
	irq_table_free(&b);
}

/*
 * Walk text a row at a time with irq_row_parse_select, keeping the columns
 * of which (every column when step is 1, every other one when 2, none when
 * 0), and check every row against the whole table t parsed from the same text.
 */
static void select_agrees(const struct irq_table *t, const char *orig, int step)
{
	struct irq_table h;
	struct tl_err e = {0};
	int cols[TL_MAX_CPUS], n = 0, row = 0, line = 1;
	uint32_t out[TL_MAX_CPUS], scratch[TL_MAX_CPUS];
	struct irq_select s = {.cols = cols, .out = out, .scratch = scratch};
	/* The row-at-a-time API may read IRQ_READ_PAD bytes past a line: zeroes, as the monitor gives. */
	char *text = calloc(strlen(orig) + IRQ_READ_PAD + 1, 1);
	const char *p, *eol;
	struct irq_row r;
	int ret;

	assert_non_null(text);
	strcpy(text, orig);
	p = text;
	eol = strchr(p, '\n');

	irq_table_init(&h);
	assert_int_equal(irq_table_parse_header(&h, p, eol, &e), 0);
	assert_int_equal(h.ncols, t->ncols);
	for (int k = 0; step && k < h.ncols; k += step)
		cols[n++] = k;
	s.n = n;
	for (p = eol + 1; *p; p = eol + 1) {
		eol = strchr(p, '\n');
		ret = irq_row_parse_select(&h, p, eol, ++line, &s, &r, &e);
		if (ret < 0)
			fail_msg("line %d: %s", line, e.msg);
		if (ret == 0)
			continue;
		assert_string_equal(r.name, t->rows[row].name);
		assert_int_equal(r.global, t->rows[row].global);
		assert_int_equal(r.desc_len, t->rows[row].desc_len);
		assert_memory_equal(r.desc, t->rows[row].desc, r.desc_len);
		for (int j = 0; !r.global && j < n; j++)
			assert_int_equal(out[j], t->rows[row].counts[cols[j]]);
		row++;
	}
	assert_int_equal(row, t->nrows);
	irq_table_free(&h);
	free(text);
}

/* Row at a time with a column selection: the same rows, names and numbers on every fixture. */
static void test_select_agrees_with_table(void **state)
{
	static const char *const names[] = {"x86-vm-6.18.txt",	    "x86-offline-cpu2.txt",
					    "x86-96cpu.txt",	    "x86-newer-layout.txt",
					    "arm64-gicv3-4cpu.txt", "arm32-gicv2-4cpu.txt",
					    "riscv-plic-4cpu.txt",  "ppc64-power9-8cpu.txt"};
	struct irq_table t;
	struct tl_buf text = {0};
	struct tl_err e;
	char *squeezed;

	irq_table_init(&t);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		load_fixture(names[i], &text);
		squeezed = malloc(text.len + 1);
		squeeze_blanks(text.data, squeezed);
		for (int step = 0; step <= 2; step++) {
			if (irq_table_parse(&t, text.data, text.len, &e) < 0)
				fail_msg("%s: %s", names[i], e.msg);
			select_agrees(&t, text.data, step);
			/* off the fixed layout: the general path, then the selection */
			assert_int_equal(irq_table_parse(&t, squeezed, strlen(squeezed), &e), 0);
			select_agrees(&t, squeezed, step);
		}
		free(squeezed);
	}
	tl_buf_free(&text);
	irq_table_free(&t);
}

/* A row the whole parser refuses is refused row at a time too, with its line. */
static void test_select_errors(void **state)
{
	/* Arrays, not literals: the API may read IRQ_READ_PAD bytes past a line's end. */
	char hdr[64 + IRQ_READ_PAD] = "           CPU0       CPU1       CPU2       CPU3\n";
	char rows[][80 + IRQ_READ_PAD] = {"TLB:          1          2   TLB shootdowns\n",
					  "LOC:          1          2          3         4x   Local\n",
					  " 24:          1          2          3 99999999999   x\n"};
	int cols[1] = {3};
	uint32_t out[1], scratch[4];
	struct irq_select s = {.cols = cols, .n = 1, .out = out, .scratch = scratch};
	struct irq_table h;
	struct irq_row r;
	struct tl_err e = {0};

	irq_table_init(&h);
	assert_int_equal(irq_table_parse_header(&h, hdr, strchr(hdr, '\n'), &e), 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		e.msg[0] = '\0';
		assert_true(irq_row_parse_select(&h, rows[i], strchr(rows[i], '\n'), 7, &s, &r,
						 &e) < 0);
		if (!strstr(e.msg, "line 7"))
			fail_msg("error \"%s\" lacks the line", e.msg);
	}
	irq_table_free(&h);
}

/* The fingerprint covers the selected columns' text, and only rows in the fixed layout. */
static void test_select_print(void **state)
{
	/* Arrays, not literals: the API may read IRQ_READ_PAD bytes past a line's end. */
	char hdr[64 + IRQ_READ_PAD] = "           CPU0       CPU1       CPU2       CPU3\n";
	char a[80 + IRQ_READ_PAD] = " 24:          1          2          3          4   IO-APIC eth0\n";
	char b[80 + IRQ_READ_PAD] = " 24:          1          2          3          4   IO-APIC eth0\n";
	char loose[48 + IRQ_READ_PAD] = " 24: 1 2 3 4 IO-APIC eth0\n";
	int cols[2] = {2, 3};
	uint32_t out[2], scratch[4];
	struct irq_select s = {.cols = cols, .n = 2, .out = out, .scratch = scratch};
	struct irq_table h;
	struct irq_row r;
	struct tl_err e = {0};
	const char *ra, *rb;
	uint64_t pa;

	irq_table_init(&h);
	assert_int_equal(irq_table_parse_header(&h, hdr, strchr(hdr, '\n'), &e), 0);
	assert_int_equal(irq_row_parse_name(a, strchr(a, '\n'), 2, &r, &ra, &e), 1);
	assert_int_equal(irq_row_parse_name(b, strchr(b, '\n'), 2, &r, &rb, &e), 1);
	pa = irq_row_select_print(&h, ra, strchr(a, '\n'), &s);
	assert_true(pa != 0);
	assert_true(irq_row_select_print(&h, rb, strchr(b, '\n'), &s) == pa);
	b[14] = '9'; /* CPU0: not selected */
	assert_true(irq_row_select_print(&h, rb, strchr(b, '\n'), &s) == pa);
	b[47] = '5'; /* CPU3 */
	assert_true(irq_row_select_print(&h, rb, strchr(b, '\n'), &s) != pa);
	assert_int_equal(irq_row_parse_values(&h, rb, strchr(b, '\n'), 2, &s, &r, &e), 0);
	assert_int_equal(out[0], 3);
	assert_int_equal(out[1], 5);
	assert_int_equal(irq_row_parse_name(loose, strchr(loose, '\n'), 2, &r, &ra, &e), 1);
	assert_true(irq_row_select_print(&h, ra, strchr(loose, '\n'), &s) == 0);
	irq_table_free(&h);
}

static void test_crlf(void **state)
{
	const char *text = "           CPU0       CPU1\r\n"
			   " 24:          5          7   IO-APIC   5-edge      ACPI:Ged\r\n"
			   "LOC:         10         20   Local timer interrupts\r\n"
			   "ERR:          3\r\n";
	struct irq_table t;
	struct tl_err e;

	irq_table_init(&t);
	assert_int_equal(irq_table_parse(&t, text, strlen(text), &e), 0);
	assert_int_equal(t.ncols, 2);
	assert_int_equal(count_of(&t, "LOC", 1), 20);
	assert_desc(irq_table_find(&t, "LOC"), "Local timer interrupts");
	assert_int_equal(irq_table_find(&t, "ERR")->global_value, 3);
	irq_table_free(&t);
}

static void test_single_cpu_global(void **state)
{
	const char *text = "           CPU0\n"
			   "LOC:         10   Local timer interrupts\n"
			   "ERR:          3\n";
	struct irq_table t;
	struct tl_err e;

	irq_table_init(&t);
	assert_int_equal(irq_table_parse(&t, text, strlen(text), &e), 0);
	assert_false(irq_table_find(&t, "LOC")->global);
	assert_true(irq_table_find(&t, "ERR")->global);
	assert_int_equal(irq_table_find(&t, "ERR")->global_value, 3);
	irq_table_free(&t);
}

static void test_malformed(void **state)
{
	const char *hdr = "           CPU0       CPU1       CPU2       CPU3\n";
	char text[512];

	expect_error("", EINVAL, "empty file");
	expect_error(hdr, EINVAL, "no interrupt rows");
	expect_error("           CPU0       CPU1", EINVAL, "header without rows");
	expect_error(" 24:          1          0  IO-APIC   5-edge      ACPI:Ged\n"
		     "LOC:         10         20   Local timer interrupts\n",
		     EINVAL, "line 1: expected a header");
	expect_error("  CPU0  CPU1  CPU1\nLOC: 1 2 3 x\n", EINVAL, "out of order");
	expect_error("  CPU0  CPUx\nLOC: 1 2 x\n", EINVAL, "line 1");
	snprintf(text, sizeof(text), "%sLOC:   1   2   3   4   Local timer interrupts", hdr);
	expect_error(text, EINVAL, "line 2: truncated");
	snprintf(text, sizeof(text), "%sNMI:  0  0  0  0  NMIs\nLOC:   1   2   Local timer\n", hdr);
	expect_error(text, EINVAL, "line 3: LOC: expected 4 counts, found 2");
	snprintf(text, sizeof(text), "%sLOC:   1   2  1x3   4   Local timer interrupts\n", hdr);
	expect_error(text, EINVAL, "line 2: counter 3 is not a number");
	snprintf(text, sizeof(text), "%sLOC:   1   abc   3   4   Local timer interrupts\n", hdr);
	expect_error(text, EINVAL, "expected 4 counts, found 1");
	snprintf(text, sizeof(text), "%sLOC: 1 2 4294967296 4 Local timer interrupts\n", hdr);
	expect_error(text, ERANGE, "exceeds 32 bits");
	snprintf(text, sizeof(text), "%sLOC: 1 2 3 99999999999999999999999 Local\n", hdr);
	expect_error(text, ERANGE, "exceeds 32 bits");
	snprintf(text, sizeof(text), "%sLOC: 1 2 3 18446744073709551616 Local\n", hdr);
	expect_error(text, ERANGE, "exceeds 32 bits");
	snprintf(text, sizeof(text), "%sLOC: Local timer interrupts\n", hdr);
	expect_error(text, EINVAL, "LOC: no counts");
	snprintf(text, sizeof(text), "%sLOC 1 2 3 4 Local timer interrupts\n", hdr);
	expect_error(text, EINVAL, "expected \"NAME:\"");
	snprintf(text, sizeof(text), "%sABCDEFGHIJKLMNOPQ: 1 2 3 4 x\n", hdr);
	expect_error(text, EINVAL, "longer than");
	snprintf(text, sizeof(text), "%s12345678901: 1 2 3 4 x\n", hdr);
	expect_error(text, EINVAL, "too large");
}

/* The largest counter fits, in both the fixed layout and the general one. */
static void test_u32_max(void **state)
{
	const char *fixed = "           CPU0       CPU1\n"
			    "LOC: 4294967295 1000000000   Local timer interrupts\n";
	const char *loose = "CPU0 CPU1\nLOC: 4294967295 0001 x\n";
	struct irq_table t;
	struct tl_err e;

	irq_table_init(&t);
	assert_int_equal(irq_table_parse(&t, fixed, strlen(fixed), &e), 0);
	assert_int_equal(count_of(&t, "LOC", 0), 4294967295u);
	assert_int_equal(count_of(&t, "LOC", 1), 1000000000u);
	assert_int_equal(irq_table_parse(&t, loose, strlen(loose), &e), 0);
	assert_int_equal(count_of(&t, "LOC", 0), 4294967295u);
	assert_int_equal(count_of(&t, "LOC", 1), 1);
	irq_table_free(&t);
}

static size_t allocs_of(const struct irq_table *t)
{
	return t->allocs + t->raw.grows;
}

/* Same text twice, then the same shape with other numbers: no allocation after the first. */
static void test_steady_state_no_alloc(void **state)
{
	struct gen_irq_opts o = {.ncpus = 1024, .offline_cpu = 7, .nirqs = 280, .seed = 1};
	struct tl_buf a = {0}, b = {0};
	struct irq_table t;
	struct tl_err e;
	size_t before;

	assert_int_equal(gen_interrupts(&a, &o), 0);
	o.seed = 99;
	assert_int_equal(gen_interrupts(&b, &o), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_not_equal(a.data, b.data, a.len);
	irq_table_init(&t);
	assert_int_equal(irq_table_parse(&t, a.data, a.len, &e), 0);
	assert_int_equal(t.ncols, 1023);
	assert_int_equal(irq_table_col(&t, 7), -1);
	assert_int_equal(t.nrows, 280 + 19);
	before = allocs_of(&t);
	assert_true(before > 0);
	assert_int_equal(irq_table_parse(&t, a.data, a.len, &e), 0);
	assert_int_equal(irq_table_parse(&t, b.data, b.len, &e), 0);
	assert_int_equal(irq_table_parse(&t, t.raw.data, t.raw.len, &e), 0);
	assert_int_equal(allocs_of(&t), before);
	assert_int_equal(t.nrows, 280 + 19);
	tl_buf_free(&a);
	tl_buf_free(&b);
	irq_table_free(&t);
}

/* Write text as DIR/proc/interrupts. */
static void write_sysroot(const char *dir, const char *text, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/proc/interrupts", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

/* irq_table_read through a sysroot, twice with other numbers: the raw buffer is reused. */
static void test_read_sysroot(void **state)
{
	struct gen_irq_opts o = {.ncpus = 64, .offline_cpu = -1, .nirqs = 40, .seed = 5};
	struct tl_buf text = {0};
	struct irq_table t;
	struct tl_path p;
	struct tl_err e;
	char dir[] = "/tmp/tlbiso-irq-XXXXXX", cmd[64];
	size_t before;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(gen_interrupts(&text, &o), 0);
	write_sysroot(dir, text.data, text.len);
	assert_int_equal(tl_path_init(&p, dir, &e), 0);
	irq_table_init(&t);
	assert_int_equal(irq_table_read(&t, &p, &e), 0);
	assert_int_equal(t.ncols, 64);
	before = allocs_of(&t);
	o.seed = 6;
	assert_int_equal(gen_interrupts(&text, &o), 0);
	write_sysroot(dir, text.data, text.len);
	assert_int_equal(irq_table_read(&t, &p, &e), 0);
	assert_int_equal(allocs_of(&t), before);
	write_sysroot(dir, "garbage\n", 8);
	assert_true(irq_table_read(&t, &p, &e) < 0);
	assert_non_null(strstr(e.msg, "/proc/interrupts: line 1"));
	tl_path_fini(&p);
	irq_table_free(&t);
	tl_buf_free(&text);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* Rows come and go between samples: each parse describes its own text only. */
static void test_rows_come_and_go(void **state)
{
	const char *one = "  CPU0 CPU1\n 30: 1 2 nvme\nLOC: 5 6 Local\n";
	const char *two = "  CPU0 CPU1\nLOC: 7 8 Local\nHYP: 1 1 Hypervisor\n";
	struct irq_table t;
	struct tl_err e;

	irq_table_init(&t);
	assert_int_equal(irq_table_parse(&t, one, strlen(one), &e), 0);
	assert_non_null(irq_table_find(&t, "30"));
	assert_int_equal(irq_table_parse(&t, two, strlen(two), &e), 0);
	assert_null(irq_table_find(&t, "30"));
	assert_int_equal(count_of(&t, "HYP", 1), 1);
	assert_int_equal(count_of(&t, "LOC", 0), 7);
	irq_table_free(&t);
}

/* A 10 MB file (1024 CPUs, about 980 rows) parses, in linear time. */
static void test_ten_megabytes(void **state)
{
	struct gen_irq_opts o = {.ncpus = 1024, .offline_cpu = -1, .nirqs = 960, .seed = 3};
	struct tl_buf text = {0};
	struct irq_table t;
	struct tl_err e;

	assert_int_equal(gen_interrupts(&text, &o), 0);
	assert_true(text.len > 10u << 20);
	irq_table_init(&t);
	if (irq_table_parse(&t, text.data, text.len, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(t.nrows, 960 + 19);
	assert_non_null(irq_table_find(&t, "923"));
	tl_buf_free(&text);
	irq_table_free(&t);
}

static void test_delta_wraps(void **state)
{
	assert_int_equal(irq_delta(0xfffffff0u, 5), 21);
	assert_int_equal(irq_delta(5, 10), 5);
	assert_int_equal(irq_delta(7, 7), 0);
	assert_int_equal(irq_delta(0xffffffffu, 0), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86_vm_captured),
		cmocka_unit_test(test_select_agrees_with_table),
		cmocka_unit_test(test_select_errors),
		cmocka_unit_test(test_select_print),
		cmocka_unit_test(test_x86_offline_cpu),
		cmocka_unit_test(test_x86_96cpu),
		cmocka_unit_test(test_x86_newer_layout),
		cmocka_unit_test(test_arm64),
		cmocka_unit_test(test_arm32),
		cmocka_unit_test(test_riscv),
		cmocka_unit_test(test_ppc64_loc_twice),
		cmocka_unit_test(test_fast_and_general_paths_agree),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_single_cpu_global),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_u32_max),
		cmocka_unit_test(test_steady_state_no_alloc),
		cmocka_unit_test(test_read_sysroot),
		cmocka_unit_test(test_rows_come_and_go),
		cmocka_unit_test(test_ten_megabytes),
		cmocka_unit_test(test_delta_wraps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
