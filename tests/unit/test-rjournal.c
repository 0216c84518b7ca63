// SPDX-License-Identifier: GPL-2.0-or-later
/* The restore journal: append, torn lines, restore order, foreign changes left alone. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hk-fixture.h"
#include "rjournal.h"

struct fixture {
	char root[64]; /* the sysroot */
	char run[80];  /* the runtime dir */
	struct tl_path p;
	struct fx_io io;
	struct hk_report rep;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct tl_err e;

	strcpy(fx->root, "/tmp/tlbiso-rj-XXXXXX");
	assert_non_null(mkdtemp(fx->root));
	snprintf(fx->run, sizeof(fx->run), "%s/run", fx->root);
	mkdir(fx->run, 0700);
	fx_write(fx->root, "proc/sys/kernel/random/boot_id", "b0075eed\n");
	fx_write(fx->root, "proc/sys/vm/stat_interval", "1\n");
	fx_write(fx->root, "proc/irq/24/smp_affinity_list", "0-3\n");
	fx_write(fx->root, "proc/irq/default_smp_affinity", "f\n");
	assert_int_equal(tl_path_init(&fx->p, fx->root, &e), 0);
	fx_io_init(&fx->io);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	tl_path_fini(&fx->p);
	hk_report_free(&fx->rep);
	fx_rmtree(fx->root);
	free(fx);
	return 0;
}

/* Journal a write and make it, as housekeeping does. */
static void journaled(struct fixture *fx, struct rj_writer *w, enum rj_fmt fmt, const char *path,
		      const char *new_val)
{
	char old[256], rel[256];
	struct tl_err e;
	size_t n;

	snprintf(rel, sizeof(rel), "%s", path + 1);
	fx_read(fx->root, rel, old, sizeof(old));
	n = strcspn(old, "\n");
	old[n] = '\0';
	assert_int_equal(rj_append_write(w, fmt, path, old, new_val, &e), 0);
	assert_int_equal(tl_path_write(&fx->p, path, new_val, &e), 0);
}

static int count_kind(const struct hk_report *r, enum hk_note_kind k)
{
	return r->count[k];
}

static void test_append_and_load(void **state)
{
	struct fixture *fx = *state;
	struct rj_record task = {.op = RJ_AFFINITY,
				 .fmt = RJ_FMT_CPULIST,
				 .pid = 42,
				 .path = "task:42:rcuop/3:affinity",
				 .old_val = "0-3",
				 .new_val = "0-1"};
	struct rj_record dir = {
		.op = RJ_MKDIR, .path = "/sys/fs/cgroup/x", .old_val = "", .new_val = ""};
	struct rj_writer w;
	struct rj_list l;
	char file[PATH_MAX];
	struct tl_err e;

	strcpy(task.comm, "rcuop/3");
	assert_int_equal(rj_open(&w, fx->run, "b0075eed", &e), 0);
	assert_int_equal(rj_append_write(&w, RJ_FMT_INT, "/proc/sys/vm/stat_interval", "1",
					 "10\"quoted\\", &e),
			 0);
	assert_int_equal(rj_append(&w, &task, &e), 0);
	assert_int_equal(rj_append(&w, &dir, &e), 0);
	rj_close(&w);
	rj_path(fx->run, file, sizeof(file));
	assert_int_equal(rj_load(file, &l, &e), 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.torn + l.corrupt, 0);
	assert_string_equal(l.boot_id, "b0075eed");
	assert_string_equal(l.items[0].new_val, "10\"quoted\\");
	assert_int_equal(l.items[1].op, RJ_AFFINITY);
	assert_int_equal(l.items[1].pid, 42);
	assert_string_equal(l.items[1].comm, "rcuop/3");
	assert_int_equal(l.items[2].op, RJ_MKDIR);
	rj_list_free(&l);
}

/* Every prefix of a journal parses: a cut inside the last line loses only that record. */
static void test_torn_last_line(void **state)
{
	struct fixture *fx = *state;
	struct rj_writer w;
	struct rj_list l;
	char file[PATH_MAX], text[4096];
	struct tl_err e;
	size_t len, line2;

	assert_int_equal(rj_open(&w, fx->run, "b0075eed", &e), 0);
	assert_int_equal(rj_append_write(&w, RJ_FMT_STR, "/a", "1", "2", &e), 0);
	assert_int_equal(rj_append_write(&w, RJ_FMT_STR, "/b", "3", "4", &e), 0);
	rj_close(&w);
	rj_path(fx->run, file, sizeof(file));
	fx_read(fx->run, RJ_FILE, text, sizeof(text));
	len = strlen(text);
	line2 = (size_t)(strrchr(text, '\n') - text);
	line2 = (size_t)((char *)memrchr(text, '\n', line2) - text) +
		1; /* start of the last record */
	for (size_t cut = line2; cut < len; cut++) {
		assert_int_equal(rj_parse(text, cut, &l, &e), 0);
		assert_int_equal(l.n, 1);
		assert_string_equal(l.items[0].path, "/a");
		assert_int_equal(l.corrupt, 0);
		assert_int_equal(l.torn, cut > line2 ? 1 : 0);
		rj_list_free(&l);
	}
	/* A flipped byte in the last complete line: torn, ignored. */
	text[len - 3] ^= 1;
	assert_int_equal(rj_parse(text, len, &l, &e), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.torn, 1);
	rj_list_free(&l);
	/* The same damage in the middle is corruption, and later records still count. */
	text[len - 3] ^= 1;
	text[line2 - 3] ^= 1;
	assert_int_equal(rj_parse(text, len, &l, &e), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].path, "/b");
	assert_int_equal(l.corrupt, 1);
	rj_list_free(&l);
}

/* Appending after a torn line starts on a fresh line, so the new record is not lost. */
static void test_append_after_torn(void **state)
{
	struct fixture *fx = *state;
	struct rj_writer w;
	struct rj_list l;
	char file[PATH_MAX];
	struct tl_err e;
	int fd;

	assert_int_equal(rj_open(&w, fx->run, "b0075eed", &e), 0);
	assert_int_equal(rj_append_write(&w, RJ_FMT_STR, "/a", "1", "2", &e), 0);
	rj_close(&w);
	rj_path(fx->run, file, sizeof(file));
	fd = open(file, O_WRONLY | O_APPEND);
	assert_true(write(fd, "1234abcd {\"op\":\"wr", 19) == 19);
	close(fd);
	assert_int_equal(rj_open(&w, fx->run, "b0075eed", &e), 0);
	assert_int_equal(rj_append_write(&w, RJ_FMT_STR, "/c", "5", "6", &e), 0);
	rj_close(&w);
	assert_int_equal(rj_load(file, &l, &e), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[1].path, "/c");
	assert_int_equal(l.corrupt, 1);
	rj_list_free(&l);
}

/* Reverse order: two changes to one file come back to the first original. */
static void test_restore_order(void **state)
{
	struct fixture *fx = *state;
	struct rj_writer w;
	char buf[64];
	struct tl_err e;

	assert_int_equal(rj_open(&w, fx->run, "b0075eed", &e), 0);
	journaled(fx, &w, RJ_FMT_INT, "/proc/sys/vm/stat_interval", "5");
	journaled(fx, &w, RJ_FMT_CPULIST, "/proc/irq/24/smp_affinity_list", "0-1");
	journaled(fx, &w, RJ_FMT_INT, "/proc/sys/vm/stat_interval", "10");
	rj_close(&w);
	assert_int_equal(rj_restore(fx->run, &fx->p, &fx->io.io, &fx->rep, &e), 3);
	assert_string_equal(fx_read(fx->root, "proc/sys/vm/stat_interval", buf, sizeof(buf)), "1");
	assert_string_equal(fx_read(fx->root, "proc/irq/24/smp_affinity_list", buf, sizeof(buf)),
			    "0-3");
	assert_int_equal(fx->io.nlog, 3);
	assert_string_equal(fx->io.log[0], "/proc/sys/vm/stat_interval=5");
	assert_string_equal(fx->io.log[1], "/proc/irq/24/smp_affinity_list=0-3");
	assert_string_equal(fx->io.log[2], "/proc/sys/vm/stat_interval=1");
	assert_false(rj_exists(fx->run));
}

/* Someone else changed a value after us: it stays, and is reported. */
static void test_foreign_change_left_alone(void **state)
{
	struct fixture *fx = *state;
	struct rj_writer w;
	char buf[64];
	struct tl_err e;

	assert_int_equal(rj_open(&w, fx->run, "b0075eed", &e), 0);
	journaled(fx, &w, RJ_FMT_INT, "/proc/sys/vm/stat_interval", "10");
	journaled(fx, &w, RJ_FMT_CPULIST, "/proc/irq/24/smp_affinity_list", "0-1");
	rj_close(&w);
	fx_write(fx->root, "proc/sys/vm/stat_interval", "30\n");
	assert_int_equal(rj_restore(fx->run, &fx->p, &fx->io.io, &fx->rep, &e), 1);
	assert_string_equal(fx_read(fx->root, "proc/sys/vm/stat_interval", buf, sizeof(buf)),
			    "30\n");
	assert_int_equal(count_kind(&fx->rep, HK_NOTE_FOREIGN), 1);
	assert_int_equal(count_kind(&fx->rep, HK_NOTE_RESTORED), 1);
	assert_false(rj_exists(fx->run));
}

/* A record whose change never happened (crash between append and write) writes nothing. */
static void test_unmade_change_is_skipped(void **state)
{
	struct fixture *fx = *state;
	struct rj_writer w;
	struct tl_err e;

	assert_int_equal(rj_open(&w, fx->run, "b0075eed", &e), 0);
	assert_int_equal(
		rj_append_write(&w, RJ_FMT_CPUMASK, "/proc/irq/default_smp_affinity", "f", "3", &e),
		0);
	rj_close(&w);
	fx_write(fx->root, "proc/irq/default_smp_affinity", "0000000f\n");
	assert_int_equal(rj_restore(fx->run, &fx->p, &fx->io.io, &fx->rep, &e), 0);
	assert_int_equal(fx->io.nlog, 0);
	assert_int_equal(count_kind(&fx->rep, HK_NOTE_FOREIGN), 0);
}

/* A journal from another boot is not replayed (IRQ numbers and pids changed), but kept. */
static void test_other_boot_set_aside(void **state)
{
	struct fixture *fx = *state;
	struct rj_writer w;
	char buf[64];
	struct tl_err e;

	assert_int_equal(rj_open(&w, fx->run, "an-old-boot", &e), 0);
	journaled(fx, &w, RJ_FMT_INT, "/proc/sys/vm/stat_interval", "10");
	rj_close(&w);
	assert_int_equal(rj_restore(fx->run, &fx->p, &fx->io.io, &fx->rep, &e), 0);
	assert_string_equal(fx_read(fx->root, "proc/sys/vm/stat_interval", buf, sizeof(buf)), "10");
	assert_false(rj_exists(fx->run));
	assert_true(fx_read(fx->run, RJ_FILE ".stale", buf, sizeof(buf))[0] != '\0');
}

/* A restore that fails keeps the journal (renamed) for a person to act on. */
static void test_failed_restore_kept(void **state)
{
	struct fixture *fx = *state;
	struct rj_writer w;
	char buf[64];
	struct tl_err e;

	assert_int_equal(rj_open(&w, fx->run, "b0075eed", &e), 0);
	journaled(fx, &w, RJ_FMT_INT, "/proc/sys/vm/stat_interval", "10");
	rj_close(&w);
	fx_io_fail(&fx->io, "/proc/sys/vm/stat_interval", EACCES);
	assert_int_equal(rj_restore(fx->run, &fx->p, &fx->io.io, &fx->rep, &e), 0);
	assert_int_equal(count_kind(&fx->rep, HK_NOTE_ERROR), 1);
	assert_false(rj_exists(fx->run));
	assert_true(fx_read(fx->run, RJ_FILE ".failed", buf, sizeof(buf))[0] != '\0');
}

static void test_values_equal(void **state)
{
	assert_true(rj_values_equal(RJ_FMT_CPUMASK, "00000003", "3"));
	assert_true(rj_values_equal(RJ_FMT_CPUMASK, "00000000,00000003", "3"));
	assert_false(rj_values_equal(RJ_FMT_CPUMASK, "7", "3"));
	assert_true(rj_values_equal(RJ_FMT_CPULIST, "0,1", "0-1"));
	assert_true(rj_values_equal(RJ_FMT_INT, "010", "8"));
	assert_false(rj_values_equal(RJ_FMT_INT, "", "0"));
	assert_true(
		rj_values_equal(RJ_FMT_PARTITION, "isolated invalid (Cpu list empty)", "isolated"));
	assert_false(rj_values_equal(RJ_FMT_PARTITION, "isolated", "member"));
	assert_true(rj_values_equal(RJ_FMT_STR, "a\n", "a"));
	assert_false(rj_values_equal(RJ_FMT_STR, "a", " a"));
}

/* No journal: nothing to do, no error. */
static void test_no_journal(void **state)
{
	struct fixture *fx = *state;
	struct tl_err e;

	assert_int_equal(rj_restore(fx->run, &fx->p, &fx->io.io, &fx->rep, &e), 0);
	assert_int_equal(fx->rep.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_append_and_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_last_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append_after_torn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_change_left_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmade_change_is_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_boot_set_aside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_restore_kept, setup, teardown),
		cmocka_unit_test(test_values_equal),
		cmocka_unit_test_setup_teardown(test_no_journal, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
