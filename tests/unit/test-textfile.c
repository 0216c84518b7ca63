// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The Prometheus textfile: the text passes through a small chunk, so it must
 * come out the same whatever the chunk size; it is rewritten only when what
 * it shows changed (a new inode by rename), and a failed write leaves
 * neither a half file nor a temporary one.
 */
#include "config.h"

#include <dirent.h>
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

#include "daemon-out.h"
#include "daemon.h"

struct fixture {
	struct tlbisod d;
	struct tl_logger log;
	char dir[64], path[PATH_MAX];
};

/* A daemon state watching CPUs list, its counters set to distinct values. */
static struct fixture *fixture_new(const char *list)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct tl_err e = {0};

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/tlbiso-textfile-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/tlbiso.prom", f->dir);
	tl_log_init(&f->log, "test-textfile", false);
	conf_defaults(&f->d.conf);
	f->d.log = &f->log;
	alert_engine_init(&f->d.alerts);
	snprintf(f->d.conf.alerts.prometheus_textfile, sizeof(f->d.conf.alerts.prometheus_textfile),
		 "%s", f->path);
	assert_int_equal(cpulist_parse(list, &f->d.isolated, &e), 0);
	assert_int_equal(monitor_init(&f->d.mon, &f->d.isolated, &f->d.isolated, 5, 10, &e), 0);
	f->d.mon_ready = true;
	for (int i = 0; i < f->d.mon.ncpus; i++)
		for (int k = 0; k < SRC_COUNT; k++)
			f->d.mon.cpus[i].total[k] =
				(uint64_t)i * 1000003u + (uint64_t)k * 4294967311u;
	return f;
}

static void fixture_free(struct fixture *f)
{
	char cmd[128];

	tlbisod_free(&f->d);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
}

/* The whole file as a string (caller frees). */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *s;
	long n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
	s[n] = '\0';
	fclose(fp);
	return s;
}

/* Write afresh (as at start) with the given chunk size; returns the text. */
static char *write_with_chunk(struct fixture *f, size_t chunk, uint64_t *hash)
{
	f->d.prom_chunk = chunk;
	f->d.prom_written_ns = 0;
	unlink(f->path);
	tlbisod_write_textfile(&f->d);
	assert_string_equal(f->d.prom_error, "");
	*hash = f->d.prom_hash;
	return slurp(f->path);
}

static ino_t inode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

/* 300 CPUs make a text many chunks long; every chunk size gives the same bytes and hash. */
static void test_chunk_size_does_not_change_text(void **state)
{
	static const size_t chunks[] = {8, 24, 1000, 4096, 0};
	struct fixture *f = fixture_new("4-303");
	uint64_t h0, h;
	char *ref = write_with_chunk(f, 0, &h0), *s;

	(void)state;
	assert_true(strlen(ref) > 16 * 1024 * 2);
	assert_int_equal(strlen(ref), f->d.prom_size);
	assert_non_null(strstr(ref, "tlbiso_interrupts_total{cpu=\"4\",source=\"TLB\"} 0\n"));
	assert_non_null(strstr(ref, "tlbiso_interrupts_total{cpu=\"303\",source=\"CAL\"} "
				    "4593968208\n"));
	assert_non_null(strstr(ref, "tlbiso_build_info{version=\"" PACKAGE_VERSION "\"} 1\n"));
	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		s = write_with_chunk(f, chunks[i], &h);
		assert_string_equal(s, ref);
		assert_true(h == h0);
		free(s);
	}
	free(ref);
	fixture_free(f);
}

/* Unchanged: the file is left alone. A counter moves: it is replaced, with the new value. */
static void test_rewritten_only_when_changed(void **state)
{
	struct fixture *f = fixture_new("2-5");
	uint64_t h;
	ino_t ino;
	char *s;

	(void)state;
	free(write_with_chunk(f, 16, &h));
	ino = inode_of(f->path);
	tlbisod_write_textfile(&f->d);
	assert_true(inode_of(f->path) == ino);
	f->d.mon.cpus[1].total[0] = 777;
	tlbisod_write_textfile(&f->d);
	assert_true(inode_of(f->path) != ino);
	assert_true(f->d.prom_hash != h);
	s = slurp(f->path);
	assert_non_null(strstr(s, "tlbiso_interrupts_total{cpu=\"3\",source=\"TLB\"} 777\n"));
	free(s);
	/* an alert rising changes no counter, but the file */
	ino = inode_of(f->path);
	f->d.alerts.slot[0].active = true;
	f->d.alerts.slot[0].type = AL_TLB_SHOOTDOWN;
	tlbisod_write_textfile(&f->d);
	assert_true(inode_of(f->path) != ino);
	s = slurp(f->path);
	assert_non_null(strstr(s, "tlbiso_alert_active{type=\"tlb_shootdown\"} 1\n"));
	free(s);
	fixture_free(f);
}

/* A directory that does not exist: the error is kept, nothing is left behind, and it recovers. */
static void test_failed_write_leaves_nothing(void **state)
{
	struct fixture *f = fixture_new("2-5");
	char dir[PATH_MAX / 2];
	struct dirent *de;
	DIR *dp;
	int n = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/gone", f->dir);
	snprintf(f->d.conf.alerts.prometheus_textfile, sizeof(f->d.conf.alerts.prometheus_textfile),
		 "%s/tlbiso.prom", dir);
	tlbisod_write_textfile(&f->d);
	assert_string_not_equal(f->d.prom_error, "");
	assert_int_equal(mkdir(dir, 0755), 0);
	tlbisod_write_textfile(&f->d);
	assert_string_equal(f->d.prom_error, "");
	dp = opendir(dir);
	assert_non_null(dp);
	while ((de = readdir(dp)))
		n += de->d_name[0] != '.';
	closedir(dp);
	assert_int_equal(n, 1);
	fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chunk_size_does_not_change_text),
		cmocka_unit_test(test_rewritten_only_when_changed),
		cmocka_unit_test(test_failed_write_leaves_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
