// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel config: /proc/config.gz made here with zlib, /boot fallback, none, corrupt. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "kconfig.h"

static const char config_text[] = "#\n"
				  "# Automatically generated file; DO NOT EDIT.\n"
				  "# Linux/x86 6.1.0 Kernel Configuration\n"
				  "#\n"
				  "CONFIG_CC_VERSION_TEXT=\"gcc (Debian 12.2.0-14) 12.2.0\"\n"
				  "CONFIG_NO_HZ_FULL=y\n"
				  "CONFIG_CPU_ISOLATION=y\n"
				  "# CONFIG_COALESCE_TLBI is not set\n"
				  "CONFIG_KVM=m\n"
				  "CONFIG_NR_CPUS=8192\n"
				  "CONFIG_LOCALVERSION=\"\"\n"
				  "\n"
				  "# CONFIG_DEBUG_TLBFLUSH is not set\n"
				  "CONFIG_MITIGATION_PAGE_TABLE_ISOLATION=y\n"
				  "CONFIG_BROADCAST_TLB_FLUSH=y\n";

struct fixture {
	char dir[64];
	struct tl_path p;
};

static void make_dirs(const char *dir)
{
	const char *subs[] = {"proc", "proc/sys", "proc/sys/kernel", "boot"};
	char path[256];

	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, subs[i]);
		mkdir(path, 0755);
	}
}

static void write_file(const char *dir, const char *rel, const void *data, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* Compress text with zlib into DIR/proc/config.gz, as the kernel's IKCONFIG_PROC serves it. */
static void write_gz(const char *dir, const char *text)
{
	char path[256];
	gzFile gz;

	snprintf(path, sizeof(path), "%s/proc/config.gz", dir);
	gz = gzopen(path, "wb9");
	assert_non_null(gz);
	assert_int_equal(gzwrite(gz, text, (unsigned)strlen(text)), (int)strlen(text));
	assert_int_equal(gzclose(gz), Z_OK);
}

/* Read DIR/proc/config.gz back, for corrupting it. */
static size_t read_gz_bytes(const char *dir, unsigned char *buf, size_t cap)
{
	char path[256];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/config.gz", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct tl_err e;

	strcpy(fx->dir, "/tmp/tlbiso-kconfig-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	make_dirs(fx->dir);
	assert_int_equal(tl_path_init(&fx->p, fx->dir, &e), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	tl_path_fini(&fx->p);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static void assert_config_values(const struct kconfig *k)
{
	assert_string_equal(kconfig_get(k, "NO_HZ_FULL"), "y");
	assert_string_equal(kconfig_get(k, "CONFIG_NO_HZ_FULL"), "y");
	assert_string_equal(kconfig_get(k, "COALESCE_TLBI"), "n");
	assert_false(kconfig_enabled(k, "COALESCE_TLBI"));
	assert_true(kconfig_enabled(k, "CONFIG_KVM"));
	assert_string_equal(kconfig_get(k, "KVM"), "m");
	assert_string_equal(kconfig_get(k, "NR_CPUS"), "8192");
	assert_string_equal(kconfig_get(k, "CC_VERSION_TEXT"), "\"gcc (Debian 12.2.0-14) 12.2.0\"");
	assert_string_equal(kconfig_get(k, "LOCALVERSION"), "\"\"");
	assert_string_equal(kconfig_get(k, "BROADCAST_TLB_FLUSH"), "y");
	assert_null(kconfig_get(k, "RAR"));
	assert_null(kconfig_get(k, "CONFIG_"));
	assert_false(kconfig_enabled(k, "RAR"));
	assert_int_equal(k->n, 10);
}

static void test_proc_config_gz(void **state)
{
	struct fixture *fx = *state;
	struct kconfig k = {0};
	struct tl_err e;

	write_gz(fx->dir, config_text);
	/* /boot is there too: /proc/config.gz wins, it describes the running kernel */
	write_file(fx->dir, "boot/config-6.1.0-test", "CONFIG_NO_HZ_FULL=n\n", 20);
	write_file(fx->dir, "proc/sys/kernel/osrelease", "6.1.0-test\n", 11);
	if (kconfig_load(&k, &fx->p, NULL, &e) < 0)
		fail_msg("%s", e.msg);
	assert_int_equal(k.source, KCONFIG_PROC_GZ);
	assert_string_equal(k.path, "/proc/config.gz");
	assert_string_equal(kconfig_source_name(k.source), "proc-config-gz");
	assert_config_values(&k);
	kconfig_free(&k);
}

static void test_boot_fallback(void **state)
{
	struct fixture *fx = *state;
	struct kconfig k = {0};
	struct tl_err e;

	write_file(fx->dir, "proc/sys/kernel/osrelease", "6.1.0-27-amd64\n", 15);
	write_file(fx->dir, "boot/config-6.1.0-27-amd64", config_text, strlen(config_text));
	assert_int_equal(kconfig_load(&k, &fx->p, NULL, &e), 0);
	assert_int_equal(k.source, KCONFIG_BOOT);
	assert_string_equal(k.path, "/boot/config-6.1.0-27-amd64");
	assert_config_values(&k);
	/* an explicit release picks another file, and loading again frees the first */
	write_file(fx->dir, "boot/config-6.18.0", "CONFIG_NO_HZ_FULL=n\n", 20);
	assert_int_equal(kconfig_load(&k, &fx->p, "6.18.0", &e), 0);
	assert_string_equal(k.path, "/boot/config-6.18.0");
	assert_string_equal(kconfig_get(&k, "NO_HZ_FULL"), "n");
	assert_int_equal(k.n, 1);
	/* a release that is not a plain file name is refused */
	assert_int_equal(kconfig_load(&k, &fx->p, "../../etc/x", &e), -EINVAL);
	assert_int_equal(k.source, KCONFIG_NONE);
	write_file(fx->dir, "proc/sys/kernel/osrelease", "../boot/x\n", 10);
	assert_int_equal(kconfig_load(&k, &fx->p, NULL, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "not a file name"));
	kconfig_free(&k);
}

static void test_none(void **state)
{
	struct fixture *fx = *state;
	struct kconfig k = {0};
	struct tl_err e;

	/* no osrelease, no /proc/config.gz */
	assert_int_equal(kconfig_load(&k, &fx->p, NULL, &e), 0);
	assert_int_equal(k.source, KCONFIG_NONE);
	assert_string_equal(kconfig_source_name(k.source), "none");
	assert_null(kconfig_get(&k, "NO_HZ_FULL"));
	/* osrelease names a release with no /boot file */
	write_file(fx->dir, "proc/sys/kernel/osrelease", "6.1.0-gone\n", 11);
	assert_int_equal(kconfig_load(&k, &fx->p, NULL, &e), 0);
	assert_int_equal(k.source, KCONFIG_NONE);
	assert_string_equal(k.path, "");
	kconfig_free(&k);
}

/* Flip bytes of the deflate stream: zlib must say why it failed, and nothing is loaded. */
static void test_corrupt_gz(void **state)
{
	struct fixture *fx = *state;
	struct kconfig k = {0};
	unsigned char buf[4096];
	struct tl_err e;
	size_t n;

	write_gz(fx->dir, config_text);
	n = read_gz_bytes(fx->dir, buf, sizeof(buf));
	assert_true(n > 40);
	for (size_t i = 12; i < 40; i++)
		buf[i] ^= 0x5a;
	write_file(fx->dir, "proc/config.gz", buf, n);
	assert_int_equal(kconfig_load(&k, &fx->p, NULL, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "/proc/config.gz: corrupt gzip data: "));
	assert_int_equal(k.source, KCONFIG_NONE);
	assert_int_equal(k.n, 0);
}

static void test_truncated_gz(void **state)
{
	struct fixture *fx = *state;
	struct kconfig k = {0};
	unsigned char buf[4096];
	struct tl_err e;
	size_t n;

	write_gz(fx->dir, config_text);
	n = read_gz_bytes(fx->dir, buf, sizeof(buf));
	write_file(fx->dir, "proc/config.gz", buf, n / 2);
	assert_int_equal(kconfig_load(&k, &fx->p, NULL, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "corrupt gzip data"));
}

static void test_not_gzip(void **state)
{
	struct fixture *fx = *state;
	struct kconfig k = {0};
	struct tl_err e;

	write_file(fx->dir, "proc/config.gz", config_text, strlen(config_text));
	assert_int_equal(kconfig_load(&k, &fx->p, NULL, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "not gzip data"));
}

static void test_parse_malformed(void **state)
{
	struct kconfig k = {0};
	struct tl_err e;
	const char *bad = "CONFIG_A=y\nCONFIG_B=y\nHELLO=1\n";
	const char *bad_name = "CONFIG_A B=y\n";

	assert_int_equal(kconfig_parse(&k, bad, strlen(bad), &e), -EINVAL);
	assert_non_null(strstr(e.msg, "line 3: expected CONFIG_NAME=value"));
	assert_int_equal(k.n, 0);
	assert_int_equal(kconfig_parse(&k, bad_name, strlen(bad_name), &e), -EINVAL);
	assert_int_equal(kconfig_parse(&k, "CONFIG_=y\n", 10, &e), -EINVAL);
	assert_int_equal(kconfig_parse(&k, "", 0, &e), 0);
	assert_int_equal(k.n, 0);
	kconfig_free(&k);
}

/* Repeated symbols: the last line wins, as Kconfig reads it; CRLF is tolerated. */
static void test_parse_last_wins_crlf(void **state)
{
	const char *text = "CONFIG_X=y\r\n# CONFIG_Y is not set\r\nCONFIG_X=m\r\nCONFIG_Y=y\r\n"
			   "CONFIG_X=n\r\n# a comment\r\n# CONFIG_Z is not set   \r\n";
	struct kconfig k = {0};
	struct tl_err e;

	assert_int_equal(kconfig_parse(&k, text, strlen(text), &e), 0);
	assert_int_equal(k.n, 3);
	assert_string_equal(kconfig_get(&k, "X"), "n");
	assert_string_equal(kconfig_get(&k, "Y"), "y");
	assert_string_equal(kconfig_get(&k, "Z"), "n");
	kconfig_free(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_proc_config_gz, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_gz, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_gz, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_gzip, setup, teardown),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_parse_last_wins_crlf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
