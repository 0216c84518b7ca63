// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The latency measurement with a stand-in oslat on a fixture sysroot: the
 * fake writes oslat's JSON and rewrites the sysroot's /proc/interrupts as it
 * runs, so the deltas are those of a known "during the run". Pass, fail,
 * occupied CPUs skipped (and measured with force), interrupt attribution,
 * counter wrap, and the latency.max_us config key.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
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

#include "conf.h"
#include "latency.h"

struct fx {
	char root[64];	     /* the sysroot */
	char fake[PATH_MAX]; /* the fake oslat */
	char args[PATH_MAX]; /* where the fake records its -c argument */
	struct tl_path p;
};

static const char before_txt[] =
	"           CPU0       CPU1       CPU2       CPU3\n"
	"  24:        10          0          5          7   PCI-MSI  eth0\n"
	" LOC:      1000       1000       1000 4294967000   Local timer interrupts\n"
	" CAL:         1          1          0          2   Function call interrupts\n"
	" TLB:         0          0          0          0   TLB shootdowns\n"
	" ERR:         0\n";

/* After: CPU2 got LOC 12; CPU3 got LOC 2510 (wrapping 2^32), CAL 3, and IRQ 24 once. */
static const char after_txt[] =
	"           CPU0       CPU1       CPU2       CPU3\n"
	"  24:        20          0          5          8   PCI-MSI  eth0\n"
	"  30:         0          0          0          4   PCI-MSI  nvme0q1\n"
	" LOC:      2000       1000       1012       2214   Local timer interrupts\n"
	" CAL:         1          1          0          5   Function call interrupts\n"
	" TLB:         0          0          0          0   TLB shootdowns\n"
	" ERR:         3\n";

static void mk(const char *root, const char *rel, const char *text, mode_t mode)
{
	char path[PATH_MAX], cmd[PATH_MAX + 32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

/* A fake oslat: records -c, writes the JSON given, and "after" into /proc/interrupts. */
static void write_fake(struct fx *x, const char *json)
{
	char body[3 * PATH_MAX + 1024];

	snprintf(body, sizeof(body),
		 "#!/bin/sh\n"
		 "while [ $# -gt 0 ]; do case $1 in --json=*) f=${1#--json=};;\n"
		 "  -c) echo \"$2\" > '%s';; esac; shift; done\n"
		 "cp '%s/after' '%s/proc/interrupts'\n"
		 "echo '%s' > \"$f\"\n",
		 x->args, x->root, x->root, json);
	mk(x->root, "fake-oslat", body, 0755);
}

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));

	snprintf(x->root, sizeof(x->root), "/tmp/tlbiso-latency-XXXXXX");
	assert_non_null(mkdtemp(x->root));
	snprintf(x->fake, sizeof(x->fake), "%s/fake-oslat", x->root);
	snprintf(x->args, sizeof(x->args), "%s/args", x->root);
	mk(x->root, "proc/interrupts", before_txt, 0644);
	mk(x->root, "after", after_txt, 0644);
	write_fake(x, "{\"rt_test_version:\":\"2.40\",\"thread\":{"
		      "\"0\":{\"cpu\":2,\"min\":1,\"avg\":1.1,\"max\":7},"
		      "\"1\":{\"cpu\":3,\"min\":1,\"avg\":1.5,\"max\":41}}}");
	assert_int_equal(tl_path_init(&x->p, x->root, NULL), 0);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;
	char cmd[128];

	tl_path_fini(&x->p);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", x->root);
	assert_int_equal(system(cmd), 0);
	free(x);
	return 0;
}

static void opts(struct fx *x, struct lat_options *o, struct cpuset *cpus, bool force)
{
	cpulist_parse("2-3", cpus, NULL);
	*o = (struct lat_options){.cpus = cpus,
				  .main_cpu = 0,
				  .seconds = 1,
				  .max_us = 20,
				  .force = force,
				  .oslat = x->fake};
}

static const struct lat_cpu *find_cpu(const struct lat_report *r, int cpu)
{
	for (int i = 0; i < r->n; i++)
		if (r->cpus[i].cpu == cpu)
			return &r->cpus[i];
	return NULL;
}

/* CPU 2 under the threshold passes, CPU 3 over it fails, and says why. */
static void test_pass_fail_attribution(void **state)
{
	struct fx *x = *state;
	struct lat_options o;
	struct lat_report r;
	struct cpuset cpus;
	struct tl_err e = {0};
	const struct lat_cpu *c2, *c3;
	char sum[512];

	opts(x, &o, &cpus, false);
	assert_int_equal(latency_measure(&x->p, &o, &r, &e), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.counts[LAT_PASS], 1);
	assert_int_equal(r.counts[LAT_FAIL], 1);
	assert_string_equal(r.version, "2.40");
	c2 = find_cpu(&r, 2);
	c3 = find_cpu(&r, 3);
	assert_non_null(c2);
	assert_non_null(c3);
	assert_int_equal(c2->verdict, LAT_PASS);
	assert_int_equal(c2->nirqs, 1); /* only LOC; zero rows are left out */
	assert_string_equal(c2->irqs[0].name, "LOC");
	assert_int_equal(c2->irqs[0].count, 12);
	assert_int_equal(c3->verdict, LAT_FAIL);
	/* largest first: LOC (wrapped at 2^32), IRQ 30 (new during the run), CAL, IRQ 24 */
	assert_int_equal(c3->nirqs, 4);
	assert_string_equal(c3->irqs[0].name, "LOC");
	assert_int_equal(c3->irqs[0].count, 2510);
	assert_string_equal(c3->irqs[1].name, "30");
	assert_int_equal(c3->irqs[1].count, 4);
	assert_string_equal(c3->irqs[2].name, "CAL");
	assert_int_equal(c3->irqs[2].count, 3);
	assert_string_equal(c3->irqs[3].name, "24");
	assert_int_equal(c3->irqs[3].count, 1);
	latency_cpu_summary(c3, r.max_us, sum, sizeof(sum));
	assert_non_null(strstr(sum, "max 41.0 us > 20 us"));
	assert_non_null(strstr(sum, "during the run: LOC 2510, 30 4, CAL 3"));
	latency_report_free(&r);
}

/* A raised threshold turns the fail into a pass: the verdict is ours, not oslat's. */
static void test_threshold(void **state)
{
	struct fx *x = *state;
	struct lat_options o;
	struct lat_report r;
	struct cpuset cpus;
	struct tl_err e = {0};

	opts(x, &o, &cpus, false);
	o.max_us = 41;
	assert_int_equal(latency_measure(&x->p, &o, &r, &e), 0);
	assert_int_equal(r.counts[LAT_FAIL], 0);
	assert_int_equal(r.counts[LAT_PASS], 2);
	latency_report_free(&r);
}

/* A user task confined to CPU 3 and running there: oslat only gets CPU 2. */
static void add_workload(struct fx *x)
{
	mk(x->root, "proc/100/task/100/stat",
	   "100 (app) R 1 100 100 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 2 0 12 0 0 "
	   "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0 0 0 0 0 0 0 0 0",
	   0644);
	mk(x->root, "proc/100/task/100/status", "Name:\tapp\nTgid:\t100\nCpus_allowed_list:\t3\n",
	   0644);
	/* Not workloads: a task allowed everywhere, and a kthread bound to CPU 2. */
	mk(x->root, "proc/101/task/101/stat",
	   "101 (shell) S 1 101 101 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 12 0 0 "
	   "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 2 0 0 0 0 0 0 0 0 0 0 0 0 0",
	   0644);
	mk(x->root, "proc/101/task/101/status", "Tgid:\t101\nCpus_allowed_list:\t0-3\n", 0644);
	mk(x->root, "proc/35/task/35/stat",
	   "35 (kworker/2:0-events) I 2 0 0 0 -1 69238880 0 0 0 0 0 0 0 0 20 0 1 0 12 0 0 "
	   "18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 17 2 0 0 0 0 0 0 0 0 0 0 0 0 0",
	   0644);
	mk(x->root, "proc/35/task/35/status", "Tgid:\t35\nCpus_allowed_list:\t2\n", 0644);
}

static void read_args(struct fx *x, char *out, size_t sz)
{
	FILE *f = fopen(x->args, "r");

	assert_non_null(f);
	assert_non_null(fgets(out, (int)sz, f));
	fclose(f);
	out[strcspn(out, "\n")] = '\0';
}

static void test_skip_occupied(void **state)
{
	struct fx *x = *state;
	struct lat_options o;
	struct lat_report r;
	struct cpuset cpus;
	struct tl_err e = {0};
	const struct lat_cpu *c3;
	char args[64], sum[512];
	json_object *j, *v;

	add_workload(x);
	write_fake(x, "{\"thread\":{\"0\":{\"cpu\":2,\"min\":1,\"avg\":1.1,\"max\":7}}}");
	opts(x, &o, &cpus, false);
	assert_int_equal(latency_measure(&x->p, &o, &r, &e), 0);
	read_args(x, args, sizeof(args));
	assert_string_equal(args, "2");
	assert_true(cpuset_isset(&r.skipped, 3));
	assert_false(cpuset_isset(&r.skipped, 2));
	assert_int_equal(r.counts[LAT_SKIP], 1);
	c3 = find_cpu(&r, 3);
	assert_non_null(c3);
	assert_int_equal(c3->verdict, LAT_SKIP);
	assert_int_equal(c3->ntasks, 1);
	assert_string_equal(c3->tasks[0].comm, "app");
	latency_cpu_summary(c3, r.max_us, sum, sizeof(sum));
	assert_non_null(strstr(sum, "app (pid 100)"));
	j = latency_report_json(&r, x->fake);
	assert_true(json_object_object_get_ex(j, "skipped_cpus", &v));
	assert_string_equal(json_object_get_string(v), "3");
	assert_true(json_object_object_get_ex(j, "schema", &v));
	assert_string_equal(json_object_get_string(v), LAT_SCHEMA);
	json_object_put(j);
	latency_report_free(&r);
}

/* --force measures the occupied CPU as well. */
static void test_force(void **state)
{
	struct fx *x = *state;
	struct lat_options o;
	struct lat_report r;
	struct cpuset cpus;
	struct tl_err e = {0};
	char args[64];

	add_workload(x);
	opts(x, &o, &cpus, true);
	assert_int_equal(latency_measure(&x->p, &o, &r, &e), 0);
	read_args(x, args, sizeof(args));
	assert_string_equal(args, "2-3");
	assert_true(cpuset_empty(&r.skipped));
	assert_int_equal(r.counts[LAT_SKIP], 0);
	assert_int_equal(r.n, 2);
	latency_report_free(&r);
}

/* oslat that cannot run, and a main thread inside the measured set, are errors. */
static void test_errors(void **state)
{
	struct fx *x = *state;
	struct lat_options o;
	struct lat_report r;
	struct cpuset cpus;
	struct tl_err e = {0};

	opts(x, &o, &cpus, false);
	o.main_cpu = 3;
	assert_int_equal(latency_measure(&x->p, &o, &r, &e), -EINVAL);
	mk(x->root, "fake-oslat", "#!/bin/sh\nexit 1\n", 0755);
	opts(x, &o, &cpus, false);
	assert_true(latency_measure(&x->p, &o, &r, &e) < 0);
	assert_non_null(strstr(e.msg, "failed"));
	assert_int_equal(r.n, 0);
}

/* latency.max_us: loaded, range-checked with file:line. */
static void test_conf(void **state)
{
	struct fx *x = *state;
	struct conf_problems probs = {0};
	struct tl_config c;
	struct tl_err e = {0};
	char path[PATH_MAX];

	conf_defaults(&c);
	assert_true(c.latency.max_us == 20.0);
	snprintf(path, sizeof(path), "%s/ok.conf", x->root);
	mk(x->root, "ok.conf", "latency = {\n\tmax_us = 35;\n};\n", 0644);
	assert_int_equal(conf_load(&c, path, false, &probs, &e), 0);
	assert_true(c.latency.max_us == 35.0);
	snprintf(path, sizeof(path), "%s/bad.conf", x->root);
	mk(x->root, "bad.conf", "latency = {\n\tmax_us = 0;\n\tmax_ms = 3;\n};\n", 0644);
	assert_int_equal(conf_load(&c, path, false, &probs, &e), -EINVAL);
	assert_int_equal(probs.n, 2);
	assert_int_equal(probs.items[0].line + probs.items[1].line, 2 + 3);
	assert_true(c.latency.max_us == 35.0); /* untouched on error */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pass_fail_attribution, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threshold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_skip_occupied, setup, teardown),
		cmocka_unit_test_setup_teardown(test_force, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conf, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
