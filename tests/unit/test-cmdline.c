// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel command lines from real distributions, quoting, "--", duplicates, warnings. */
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

#include "cmdline.h"

/* This build VM's own /proc/cmdline (a firecracker guest): init arguments follow "--". */
static const char vm_cmdline[] =
	"mitigations=auto,no_guest_host,no_guest_guest console=ttyS0 quiet reboot=k panic=1 "
	"nomodule random.trust_cpu=1 swiotlb=noforce psi=1 nvproxy.enable=1 "
	"page_reporting.page_reporting_order=11 deferred_init=lazy clocksource=kvm-clock pti=on "
	"no_timer_check tsc=reliable pvm_no_zero_page=1 tsc=unstable "
	"rcupdate.rcu_cpu_stall_cputime=1 sched_vcpu_pack=15 rdinit=/process_api -- "
	"--firecracker-init --addr 0.0.0.0:2024 --max-ws-buffer-size 32768 "
	"--block-local-connections --log-vsock-port 5002 --control-vsock-port 5001 "
	"--listen-vsock-port 2024 --tcp-readiness-only --auth-required\n";

/* Debian 12 with GRUB, isolated as the project's test VM boots. */
static const char debian_cmdline[] =
	"BOOT_IMAGE=/boot/vmlinuz-6.1.0-27-amd64 root=UUID=0b6f2a3c-5a3e-4d7e-9d1e-2f0c6a1b7e44 "
	"ro quiet nohz_full=2-3 isolcpus=nohz,domain,managed_irq,2-3 rcu_nocbs=2-3 "
	"irqaffinity=0-1\n";

/* RHEL 9 with the tuned realtime profile's parameters. */
static const char rhel_cmdline[] =
	"BOOT_IMAGE=(hd0,gpt2)/vmlinuz-5.14.0-427.13.1.el9_4.x86_64 "
	"root=/dev/mapper/rhel-root ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M "
	"resume=/dev/mapper/rhel-swap rd.lvm.lv=rhel/root rd.lvm.lv=rhel/swap rhgb quiet "
	"skew_tick=1 tsc=reliable rcupdate.rcu_normal_after_boot=1 "
	"isolcpus=managed_irq,domain,2-15 "
	"intel_pstate=disable nosoftlockup nohz=on nohz_full=2-15 rcu_nocbs=2-15 rcu_nocb_poll\n";

/* OpenShift node tuned by the performance profile: a lone "+", isolcpus given twice. */
static const char openshift_cmdline[] =
	"BOOT_IMAGE=(hd1,gpt3)/ostree/rhcos-4f1e/vmlinuz-5.14.0-284.40.1.el9_2.x86_64 "
	"ignition.platform.id=metal ostree=/ostree/boot.1/rhcos/4f1e/0 "
	"root=UUID=9d1b33aa-8a4e-4f2c-a1c6-0e6f6a9f0c21 rw rootflags=prjquota boot=UUID=1f0e "
	"skew_tick=1 tsc=reliable rcupdate.rcu_normal_after_boot=1 nohz=on "
	"rcu_nocbs=2-31,34-63 tuned.non_isolcpus=00000003,00000003 "
	"systemd.cpu_affinity=0,1,32,33 intel_iommu=on iommu=pt isolcpus=managed_irq,2-31,34-63 + "
	"nohz_full=2-31,34-63 nosoftlockup nmi_watchdog=0 mce=off rcutree.kthread_prio=11 "
	"default_hugepagesz=1G isolcpus=domain,managed_irq,2-31,34-63 intel_pstate=disable\n";

static void parse_ok(struct cmdline *c, const char *text)
{
	struct tl_err e;

	if (cmdline_parse(c, text, &e) < 0)
		fail_msg("%s", e.msg);
}

static void assert_cpus(const struct cpuset *s, const char *want)
{
	char out[256];

	assert_int_equal(cpulist_format(s, out, sizeof(out)), 0);
	assert_string_equal(out, want);
}

static void test_this_vm(void **state)
{
	struct cmdline *c = malloc(sizeof(*c));

	parse_ok(c, vm_cmdline);
	assert_int_equal(c->pti, PTI_FORCE_ON);
	assert_false(c->mitigations_off);
	assert_false(c->has_nohz_full);
	assert_false(c->has_isolcpus);
	assert_string_equal(cmdline_get(c, "tsc"), "unstable");
	assert_int_equal(cmdline_count(c, "tsc"), 2);
	assert_string_equal(cmdline_get(c, "quiet"), "");
	assert_string_equal(cmdline_get(c, "rdinit"), "/process_api");
	assert_null(cmdline_get(c, "--addr"));
	assert_null(cmdline_get(c, "--firecracker-init"));
	assert_string_equal(c->tokens[c->ntokens - 1].key, "rdinit");
	assert_non_null(c->init_args);
	assert_true(strncmp(c->init_args, "--firecracker-init --addr", 25) == 0);
	assert_int_equal(c->nwarnings, 0);
	assert_int_equal(c->raw[strlen(c->raw) - 1], 'd'); /* newline removed */
	free(c);
}

static void test_debian(void **state)
{
	struct cmdline *c = malloc(sizeof(*c));

	parse_ok(c, debian_cmdline);
	assert_true(c->has_nohz_full);
	assert_cpus(&c->nohz_full, "2-3");
	assert_true(c->has_isolcpus);
	assert_int_equal(c->isolcpus_flags, ISOL_NOHZ | ISOL_DOMAIN | ISOL_MANAGED_IRQ);
	assert_cpus(&c->isolcpus, "2-3");
	assert_true(c->has_rcu_nocbs);
	assert_cpus(&c->rcu_nocbs, "2-3");
	assert_true(c->has_irqaffinity);
	assert_cpus(&c->irqaffinity, "0-1");
	assert_false(c->rcu_nocb_poll);
	assert_int_equal(c->pti, PTI_DEFAULT);
	assert_null(c->init_args);
	assert_string_equal(cmdline_get(c, "BOOT_IMAGE"), "/boot/vmlinuz-6.1.0-27-amd64");
	free(c);
}

static void test_rhel(void **state)
{
	struct cmdline *c = malloc(sizeof(*c));

	parse_ok(c, rhel_cmdline);
	assert_string_equal(cmdline_get(c, "crashkernel"), "1G-4G:192M,4G-64G:256M,64G-:512M");
	assert_string_equal(cmdline_get(c, "rhgb"), "");
	assert_int_equal(c->isolcpus_flags, ISOL_DOMAIN | ISOL_MANAGED_IRQ);
	assert_cpus(&c->isolcpus, "2-15");
	assert_cpus(&c->nohz_full, "2-15");
	assert_cpus(&c->rcu_nocbs, "2-15");
	assert_true(c->rcu_nocb_poll);
	assert_false(c->has_irqaffinity);
	assert_int_equal(cmdline_count(c, "rd.lvm.lv"), 2);
	assert_string_equal(cmdline_get(c, "rd.lvm.lv"), "rhel/swap");
	assert_int_equal(c->nwarnings, 0);
	free(c);
}

static void test_openshift_plus_and_duplicate(void **state)
{
	struct cmdline *c = malloc(sizeof(*c));

	parse_ok(c, openshift_cmdline);
	assert_int_equal(cmdline_count(c, "+"), 1);
	assert_int_equal(cmdline_count(c, "isolcpus"), 2);
	/* the last isolcpus= wins: domain joins managed_irq */
	assert_int_equal(c->isolcpus_flags, ISOL_DOMAIN | ISOL_MANAGED_IRQ);
	assert_cpus(&c->isolcpus, "2-31,34-63");
	assert_cpus(&c->nohz_full, "2-31,34-63");
	assert_cpus(&c->rcu_nocbs, "2-31,34-63");
	assert_string_equal(cmdline_get(c, "intel_pstate"), "disable");
	/* the repeat differs in flags: the kernel would merge them, so say so */
	assert_int_equal(c->nwarnings, 1);
	assert_non_null(strstr(c->warnings[0], "isolcpus= given again with another value"));
	free(c);
}

static void test_quotes(void **state)
{
	struct cmdline *c = malloc(sizeof(*c));

	parse_ok(c, "foo=\"bar baz\" \"quoted param=1\" dyndbg=\"file x.c +p\" "
		    "nohz_full=\"4-5\" \"isolcpus=6\" last");
	assert_string_equal(cmdline_get(c, "foo"), "bar baz");
	assert_string_equal(cmdline_get(c, "quoted param"), "1");
	assert_string_equal(cmdline_get(c, "dyndbg"), "file x.c +p");
	assert_cpus(&c->nohz_full, "4-5");
	assert_cpus(&c->isolcpus, "6");
	assert_string_equal(cmdline_get(c, "last"), "");
	assert_int_equal(c->ntokens, 6);
	free(c);
}

static void test_double_dash_ends_kernel_args(void **state)
{
	struct cmdline *c = malloc(sizeof(*c));

	parse_ok(c, "  nohz_full=1   --   nohz_full=3 single");
	assert_cpus(&c->nohz_full, "1");
	assert_int_equal(c->ntokens, 1);
	assert_string_equal(c->init_args, "nohz_full=3 single");
	/* "--" with a value is an ordinary parameter */
	parse_ok(c, "--=x nohz_full=2");
	assert_int_equal(c->ntokens, 2);
	assert_null(c->init_args);
	free(c);
}

static void test_isolcpus_forms(void **state)
{
	struct cmdline *c = malloc(sizeof(*c));

	parse_ok(c, "isolcpus=1,3-4");
	assert_int_equal(c->isolcpus_flags, ISOL_DOMAIN);
	assert_cpus(&c->isolcpus, "1,3-4");
	parse_ok(c, "isolcpus=nohz,2-3");
	assert_int_equal(c->isolcpus_flags, ISOL_NOHZ);
	parse_ok(c, "isolcpus=managed_irq,domain,8");
	assert_int_equal(c->isolcpus_flags, ISOL_MANAGED_IRQ | ISOL_DOMAIN);
	assert_cpus(&c->isolcpus, "8");
	free(c);
}

static void test_warnings(void **state)
{
	struct cmdline *c = malloc(sizeof(*c));

	parse_ok(c, "nohz_full=2-x isolcpus=b@d,2-3 irqaffinity= pti=maybe nohz_full "
		    "isolcpus=domain rcu_nocbs=9-1");
	assert_int_equal(c->nwarnings, 7);
	assert_false(c->has_nohz_full);
	assert_false(c->has_isolcpus);
	assert_false(c->has_irqaffinity);
	assert_false(c->has_rcu_nocbs);
	assert_int_equal(c->pti, PTI_DEFAULT);
	assert_non_null(strstr(c->warnings[0], "nohz_full=2-x"));
	assert_non_null(strstr(c->warnings[1], "isolcpus=b@d,2-3: invalid flag \"b@d\""));
	assert_non_null(strstr(c->warnings[2], "irqaffinity: no CPU list"));
	assert_non_null(strstr(c->warnings[3], "pti=maybe"));
	assert_non_null(strstr(c->warnings[4], "nohz_full: no CPU list"));
	assert_non_null(strstr(c->warnings[5], "no CPU list after flag \"domain\""));
	assert_non_null(strstr(c->warnings[6], "rcu_nocbs=9-1"));
	/* a bad repeat does not undo an earlier good one, nor count as a repeat */
	parse_ok(c, "nohz_full=2-3 nohz_full=zz");
	assert_true(c->has_nohz_full);
	assert_cpus(&c->nohz_full, "2-3");
	assert_int_equal(c->nwarnings, 1);
	/* an unknown flag of letters is skipped, as the kernel skips it */
	parse_ok(c, "isolcpus=io_queue,managed_irq,4-5");
	assert_true(c->has_isolcpus);
	assert_int_equal(c->isolcpus_flags, ISOL_MANAGED_IRQ);
	assert_cpus(&c->isolcpus, "4-5");
	assert_int_equal(c->nwarnings, 1);
	assert_non_null(strstr(c->warnings[0], "unknown flag \"io_queue\" skipped"));
	/* a repeat with the same value is no news; a different list is */
	parse_ok(c, "nohz_full=2-3 nohz_full=2-3");
	assert_int_equal(c->nwarnings, 0);
	parse_ok(c, "nohz_full=2-3 nohz_full=4-5");
	assert_cpus(&c->nohz_full, "4-5");
	assert_int_equal(c->nwarnings, 1);
	free(c);
}

static void test_rcu_nocbs_forms(void **state)
{
	struct cmdline *c = malloc(sizeof(*c));

	parse_ok(c, "rcu_nocbs");
	assert_true(c->has_rcu_nocbs);
	assert_true(cpuset_empty(&c->rcu_nocbs));
	parse_ok(c, "rcu-nocbs=1-2 rcu_nocb_poll");
	assert_true(c->has_rcu_nocbs);
	assert_cpus(&c->rcu_nocbs, "1-2");
	assert_true(c->rcu_nocb_poll);
	assert_int_equal(cmdline_count(c, "rcu_nocbs"), 1);
	free(c);
}

static void test_pti(void **state)
{
	struct cmdline *c = malloc(sizeof(*c));

	parse_ok(c, "nopti");
	assert_int_equal(c->pti, PTI_FORCE_OFF);
	parse_ok(c, "mitigations=off");
	assert_int_equal(c->pti, PTI_FORCE_OFF);
	assert_true(c->mitigations_off);
	parse_ok(c, "mitigations=auto,nosmt");
	assert_int_equal(c->pti, PTI_DEFAULT);
	assert_false(c->mitigations_off);
	parse_ok(c, "mitigations=off pti=on");
	assert_int_equal(c->pti, PTI_FORCE_ON);
	parse_ok(c, "pti=auto");
	assert_int_equal(c->pti, PTI_AUTO);
	parse_ok(c, "pti=off pti=on");
	assert_int_equal(c->pti, PTI_FORCE_ON);
	parse_ok(c, "mitigations=off mitigations=auto");
	assert_int_equal(c->pti, PTI_DEFAULT);
	free(c);
}

static void test_clearcpuid(void **state)
{
	struct cmdline *c = malloc(sizeof(*c));

	parse_ok(c, "clearcpuid=pku,419");
	assert_true(c->has_clearcpuid);
	assert_true(c->clearcpuid_invlpgb);
	assert_string_equal(c->clearcpuid, "pku,419");
	parse_ok(c, "clearcpuid=invlpgb");
	assert_true(c->clearcpuid_invlpgb);
	parse_ok(c, "clearcpuid=4190,41,pku");
	assert_false(c->clearcpuid_invlpgb);
	parse_ok(c, "clearcpuid=419 clearcpuid=pku");
	assert_false(c->clearcpuid_invlpgb);
	assert_string_equal(c->clearcpuid, "pku");
	parse_ok(c, "quiet");
	assert_false(c->has_clearcpuid);
	free(c);
}

static void test_limits(void **state)
{
	struct cmdline *c = malloc(sizeof(*c));
	char *text = malloc(CMDLINE_MAX + 1);
	struct tl_err e;

	memset(text, 'a', CMDLINE_MAX);
	text[CMDLINE_MAX] = '\0';
	assert_int_equal(cmdline_parse(c, text, &e), -E2BIG);
	/* the longest line that fits, with the file's newline after it */
	text[CMDLINE_MAX - 1] = '\n';
	parse_ok(c, text);
	assert_int_equal(c->ntokens, 1);
	for (int i = 0; i < CMDLINE_MAX / 2; i++)
		memcpy(text + 2 * i, "x ", 2);
	text[CMDLINE_MAX - 1] = '\0';
	assert_int_equal(cmdline_parse(c, text, &e), -E2BIG);
	assert_non_null(strstr(e.msg, "parameters"));
	parse_ok(c, "");
	assert_int_equal(c->ntokens, 0);
	parse_ok(c, "   \n");
	assert_int_equal(c->ntokens, 0);
	free(text);
	free(c);
}

static void test_read_sysroot(void **state)
{
	struct cmdline *c = malloc(sizeof(*c));
	char dir[] = "/tmp/tlbiso-cmdline-XXXXXX", path[128];
	struct tl_path p;
	struct tl_err e;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/proc", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/proc/cmdline", dir);
	f = fopen(path, "w");
	fputs(debian_cmdline, f);
	fclose(f);
	assert_int_equal(tl_path_init(&p, dir, &e), 0);
	assert_int_equal(cmdline_read(c, &p, &e), 0);
	assert_cpus(&c->nohz_full, "2-3");
	/* longer than the limit: refused, not cut */
	f = fopen(path, "w");
	for (int i = 0; i < CMDLINE_MAX / 8; i++)
		fputs("quiet   ", f);
	fputs("nohz_full=2\n", f);
	fclose(f);
	assert_int_equal(cmdline_read(c, &p, &e), -E2BIG);
	assert_non_null(strstr(e.msg, "/proc/cmdline: command line of"));
	unlink(path);
	assert_true(cmdline_read(c, &p, &e) < 0);
	tl_path_fini(&p);
	snprintf(path, sizeof(path), "%s/proc", dir);
	rmdir(path);
	rmdir(dir);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_this_vm),
		cmocka_unit_test(test_debian),
		cmocka_unit_test(test_rhel),
		cmocka_unit_test(test_openshift_plus_and_duplicate),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_double_dash_ends_kernel_args),
		cmocka_unit_test(test_isolcpus_forms),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_rcu_nocbs_forms),
		cmocka_unit_test(test_pti),
		cmocka_unit_test(test_clearcpuid),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_read_sysroot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
