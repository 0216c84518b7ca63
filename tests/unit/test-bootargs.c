// SPDX-License-Identifier: GPL-2.0-or-later
/* Boot parameters on real command lines (Debian, RHEL with tuned, OpenShift), and --apply. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "bootargs.h"
#include "hk-fixture.h"

static const char debian[] =
	"BOOT_IMAGE=/boot/vmlinuz-6.1.0-13-amd64 root=UUID=0f3c5a4e-8d1b-4d2e-9a7c-2b1e5f6a7c8d "
	"ro quiet\n";
/* tuned's cpu-partitioning profile on RHEL 9 */
static const char rhel[] =
	"BOOT_IMAGE=(hd0,gpt2)/vmlinuz-5.14.0-362.8.1.el9_3.x86_64 root=/dev/mapper/rhel-root ro "
	"crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M resume=/dev/mapper/rhel-swap "
	"rd.lvm.lv=rhel/root rd.lvm.lv=rhel/swap rhgb quiet skew_tick=1 isolcpus=2-3 nohz=on "
	"nohz_full=2-3 rcu_nocbs=2-3 tuned.non_isolcpus=00000003 intel_pstate=disable "
	"nosoftlockup\n";
/* RHCOS with a performance profile and extra MachineConfig arguments */
static const char openshift[] =
	"BOOT_IMAGE=(hd0,gpt3)/ostree/rhcos-4c1e/vmlinuz-5.14.0-284.25.1.el9_2.x86_64 "
	"random.trust_cpu=on console=tty0 console=ttyS0,115200n8 ignition.platform.id=metal "
	"ostree=/ostree/boot.1/rhcos/4c1e/0 root=UUID=8a9b rw rootflags=prjquota boot=UUID=1c2d "
	"skew_tick=1 nohz=on rcu_nocbs=2-3 tuned.non_isolcpus=00000003 systemd.cpu_affinity=0,1 "
	"intel_iommu=on iommu=pt isolcpus=managed_irq,2-3 nohz_full=2-3 tsc=nowatchdog "
	"nosoftlockup nmi_watchdog=0 mce=off rcutree.kthread_prio=11 default_hugepagesz=1G + + "
	"isolcpus=domain,2-3\n";

static void opts_23(struct bootargs_opts *o)
{
	memset(o, 0, sizeof(*o));
	cpulist_parse("2-3", &o->isolated, NULL);
	cpulist_parse("0-1", &o->housekeeping, NULL);
}

static const struct ba_diff_item *item(const struct bootargs *b, const struct ba_diff *d,
				       const char *key)
{
	for (int i = 0; i < d->n; i++)
		if (!strcmp(b->p[d->items[i].param].key, key))
			return &d->items[i];
	fail_msg("no diff item for %s", key);
	return NULL;
}

/* Parse the new line with the project's tokenizer: each of our keys exactly once. */
static void assert_once(const char *line, const char *const *keys)
{
	struct cmdline *c = malloc(sizeof(*c));

	assert_int_equal(cmdline_parse(c, line, NULL), 0);
	for (int i = 0; keys[i]; i++)
		assert_int_equal(cmdline_count(c, keys[i]), 1);
	free(c);
}

static const char *const ours[] = {"nohz_full",	  "isolcpus",  "rcu_nocbs",
				   "irqaffinity", "skew_tick", NULL};

static void test_compute(void **state)
{
	struct bootargs_opts o;
	struct bootargs b;
	struct tl_err e;
	char tok[256];

	opts_23(&o);
	assert_int_equal(bootargs_compute(&o, &b, &e), 0);
	assert_int_equal(b.n, 5);
	bootargs_token(&b.p[1], tok, sizeof(tok));
	assert_string_equal(tok, "isolcpus=managed_irq,domain,2-3");
	bootargs_token(&b.p[3], tok, sizeof(tok));
	assert_string_equal(tok, "irqaffinity=0-1");
	for (int i = 0; i < b.n; i++)
		assert_true(b.p[i].reason[0] != '\0');
	o.rcu_nocb_poll = o.tsc_reliable = true;
	assert_int_equal(bootargs_compute(&o, &b, &e), 0);
	assert_int_equal(b.n, 7);
	bootargs_token(&b.p[5], tok, sizeof(tok));
	assert_string_equal(tok, "rcu_nocb_poll");
	cpuset_set(&o.isolated, 0);
	cpuset_clear(&o.housekeeping, 0);
	assert_int_equal(bootargs_compute(&o, &b, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "CPU 0"));
	opts_23(&o);
	cpuset_set(&o.housekeeping, 2);
	assert_int_equal(bootargs_compute(&o, &b, &e), -EINVAL);
}

static void test_debian(void **state)
{
	struct bootargs_opts o;
	struct bootargs b;
	struct ba_diff d;
	struct tl_err e;

	opts_23(&o);
	assert_int_equal(bootargs_compute(&o, &b, &e), 0);
	assert_int_equal(bootargs_diff(&b, debian, &d, &e), 0);
	for (int i = 0; i < d.n; i++)
		assert_int_equal(d.items[i].change, BA_ADDED);
	assert_string_equal(
		d.cmdline,
		"BOOT_IMAGE=/boot/vmlinuz-6.1.0-13-amd64 "
		"root=UUID=0f3c5a4e-8d1b-4d2e-9a7c-2b1e5f6a7c8d ro quiet nohz_full=2-3 "
		"isolcpus=managed_irq,domain,2-3 rcu_nocbs=2-3 irqaffinity=0-1 skew_tick=1");
}

/* tuned already set some: same ones kept in place, a weaker isolcpus= replaced. */
static void test_rhel_tuned(void **state)
{
	struct bootargs_opts o;
	struct bootargs b;
	struct ba_diff d;
	struct tl_err e;

	opts_23(&o);
	assert_int_equal(bootargs_compute(&o, &b, &e), 0);
	assert_int_equal(bootargs_diff(&b, rhel, &d, &e), 0);
	assert_int_equal(item(&b, &d, "nohz_full")->change, BA_KEPT);
	assert_int_equal(item(&b, &d, "rcu_nocbs")->change, BA_KEPT);
	assert_int_equal(item(&b, &d, "skew_tick")->change, BA_KEPT);
	assert_int_equal(item(&b, &d, "isolcpus")->change, BA_REPLACED);
	assert_string_equal(item(&b, &d, "isolcpus")->old, "isolcpus=2-3");
	assert_int_equal(item(&b, &d, "irqaffinity")->change, BA_ADDED);
	assert_once(d.cmdline, ours);
	assert_non_null(strstr(d.cmdline, "rhgb quiet skew_tick=1 nohz=on nohz_full=2-3 "
					  "rcu_nocbs=2-3 tuned.non_isolcpus=00000003"));
	assert_non_null(strstr(d.cmdline, "crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M"));
	assert_non_null(strstr(d.cmdline, "nosoftlockup isolcpus=managed_irq,domain,2-3 "
					  "irqaffinity=0-1"));
}

/* Two isolcpus= (the last wins in the kernel): both go, ours once; "+" tokens stay. */
static void test_openshift_duplicates(void **state)
{
	struct bootargs_opts o;
	struct bootargs b;
	struct ba_diff d;
	struct tl_err e;

	opts_23(&o);
	o.tsc_reliable = true;
	assert_int_equal(bootargs_compute(&o, &b, &e), 0);
	assert_int_equal(bootargs_diff(&b, openshift, &d, &e), 0);
	assert_int_equal(item(&b, &d, "isolcpus")->change, BA_REPLACED);
	assert_int_equal(item(&b, &d, "isolcpus")->nold, 2);
	assert_string_equal(item(&b, &d, "isolcpus")->old,
			    "isolcpus=managed_irq,2-3 isolcpus=domain,2-3");
	assert_int_equal(item(&b, &d, "tsc")->change, BA_REPLACED);
	assert_int_equal(item(&b, &d, "nohz_full")->change, BA_KEPT);
	assert_once(d.cmdline, ours);
	assert_non_null(strstr(d.cmdline, "default_hugepagesz=1G + + "));
	assert_non_null(strstr(d.cmdline, "systemd.cpu_affinity=0,1"));
	assert_null(strstr(d.cmdline, "tsc=nowatchdog"));
	assert_non_null(strstr(d.cmdline, " tsc=reliable"));
}

/* Same meaning, other spelling: flags in another order, '-' for '_', "2,3" for "2-3". */
static void test_equivalent_kept(void **state)
{
	struct bootargs_opts o;
	struct bootargs b;
	struct ba_diff d;
	struct tl_err e;

	opts_23(&o);
	assert_int_equal(bootargs_compute(&o, &b, &e), 0);
	assert_int_equal(bootargs_diff(&b,
				       "ro isolcpus=domain,managed_irq,2,3 nohz-full=2-3 "
				       "rcu_nocbs=3,2 irqaffinity=0,1 skew_tick=1",
				       &d, &e),
			 0);
	for (int i = 0; i < d.n; i++)
		assert_int_equal(d.items[i].change, BA_KEPT);
	assert_string_equal(d.cmdline, "ro isolcpus=domain,managed_irq,2,3 nohz-full=2-3 "
				       "rcu_nocbs=3,2 irqaffinity=0,1 skew_tick=1");
	/* A different set is replaced, not kept. */
	assert_int_equal(bootargs_diff(&b, "nohz_full=1-3", &d, &e), 0);
	assert_int_equal(item(&b, &d, "nohz_full")->change, BA_REPLACED);
}

/* Quoted values and the init arguments after "--" survive the rewrite. */
static void test_quotes_and_init_args(void **state)
{
	struct bootargs_opts o;
	struct bootargs b;
	struct ba_diff d;
	struct tl_err e;

	opts_23(&o);
	assert_int_equal(bootargs_compute(&o, &b, &e), 0);
	assert_int_equal(bootargs_diff(&b, "ro dyndbg=\"file a.c +p\" -- single", &d, &e), 0);
	assert_string_equal(d.cmdline, "ro dyndbg=\"file a.c +p\" nohz_full=2-3 "
				       "isolcpus=managed_irq,domain,2-3 rcu_nocbs=2-3 "
				       "irqaffinity=0-1 skew_tick=1 -- single");
}

/* Source /etc/default/grub then our drop-in as grub-mkconfig does; print the variables. */
static void source_grub(const char *dir, char *out, size_t outsz)
{
	char cmd[2048];
	FILE *f;
	size_t n;

	snprintf(cmd, sizeof(cmd),
		 "sh -c '. %s/etc/default/grub; . %s/etc/default/grub.d/tlbiso.cfg; "
		 "echo \"$GRUB_CMDLINE_LINUX_DEFAULT|$GRUB_CMDLINE_LINUX\"'",
		 dir, dir);
	f = popen(cmd, "r");
	assert_non_null(f);
	n = fread(out, 1, outsz - 1, f);
	out[n] = '\0';
	pclose(f);
}

struct sysroot {
	char dir[64];
	struct tl_path p;
	char oldpath[4096];
};

/* A sysroot with fake update-grub, grubby and kernel-install that log their argv. */
static void sysroot_init(struct sysroot *s, const char *cmdline)
{
	char path[4200], script[512];
	struct tl_err e;
	const char *tools[] = {"update-grub", "grubby", "kernel-install"};

	strcpy(s->dir, "/tmp/tlbiso-ba-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	fx_write(s->dir, "proc/cmdline", cmdline);
	fx_write(s->dir, "proc/sys/kernel/osrelease", "6.1.0-13-amd64\n");
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "bin/%s", tools[i]);
		snprintf(script, sizeof(script), "#!/bin/sh\necho \"%s $*\" >>%s/tools.log\n",
			 tools[i], s->dir);
		fx_write(s->dir, path, script);
		snprintf(path, sizeof(path), "%s/bin/%s", s->dir, tools[i]);
		chmod(path, 0755);
	}
	snprintf(s->oldpath, sizeof(s->oldpath), "%s", getenv("PATH"));
	snprintf(path, sizeof(path), "%s/bin:%s", s->dir, s->oldpath);
	setenv("PATH", path, 1);
	assert_int_equal(tl_path_init(&s->p, s->dir, &e), 0);
}

static void sysroot_fini(struct sysroot *s)
{
	setenv("PATH", s->oldpath, 1);
	tl_path_fini(&s->p);
	fx_rmtree(s->dir);
}

/* Compute and diff against the sysroot's /proc/cmdline, then apply with bl. */
static int apply_with(struct sysroot *s, enum bootloader bl, bool dry, struct ba_steps *st)
{
	struct bootargs_opts o;
	struct bootargs b;
	struct ba_diff d;
	struct tl_err e;
	char line[4096];

	opts_23(&o);
	assert_int_equal(bootargs_compute(&o, &b, &e), 0);
	fx_read(s->dir, "proc/cmdline", line, sizeof(line));
	assert_int_equal(bootargs_diff(&b, line, &d, &e), 0);
	return bootargs_apply(&s->p, bl, &b, &d, dry, st, &e);
}

/* Debian: drop-in written (old one backed up), update-grub run; duplicates stripped at source time.
 */
static void test_apply_grub(void **state)
{
	struct sysroot s;
	struct ba_steps st;
	enum bootloader bl;
	char out[4096], how[128];
	struct tl_err e;

	sysroot_init(&s, debian);
	fx_write(s.dir, "etc/default/grub",
		 "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet isolcpus=1\"\n"
		 "GRUB_CMDLINE_LINUX=\"console=ttyS0 nohz_full=1 isolcpus=5\"\n");
	assert_int_equal(bootargs_detect(&s.p, &bl, how, sizeof(how), &e), 0);
	assert_int_equal(bl, BL_GRUB);
	assert_int_equal(apply_with(&s, BL_GRUB, true, &st), 0);
	assert_int_equal(st.n, 2);
	assert_string_equal(fx_read(s.dir, "tools.log", out, sizeof(out)), "");
	assert_string_equal(fx_read(s.dir, "etc/default/grub.d/tlbiso.cfg", out, sizeof(out)), "");
	fx_write(s.dir, "etc/default/grub.d/tlbiso.cfg", "# an older one\n");
	assert_int_equal(apply_with(&s, BL_GRUB, false, &st), 0);
	assert_string_equal(fx_read(s.dir, "tools.log", out, sizeof(out)), "update-grub \n");
	assert_string_equal(
		fx_read(s.dir, "etc/default/grub.d/tlbiso.cfg.tlbiso.bak", out, sizeof(out)),
		"# an older one\n");
	source_grub(s.dir, out, sizeof(out));
	assert_string_equal(out,
			    "quiet|console=ttyS0 nohz_full=2-3 isolcpus=managed_irq,domain,2-3 "
			    "rcu_nocbs=2-3 irqaffinity=0-1 skew_tick=1\n");
	sysroot_fini(&s);
}

/* RPM: grubby gets our arguments and removes the keys it replaces. */
static void test_apply_grubby(void **state)
{
	struct sysroot s;
	struct ba_steps st;
	enum bootloader bl;
	char out[4096], how[128];
	struct tl_err e;

	sysroot_init(&s, rhel);
	fx_write(s.dir, "etc/redhat-release", "Red Hat Enterprise Linux release 9.3\n");
	fx_write(s.dir, "boot/loader/entries/abc-5.14.0.conf", "options root=/dev/sda1 ro\n");
	assert_int_equal(bootargs_detect(&s.p, &bl, how, sizeof(how), &e), 0);
	assert_int_equal(bl, BL_GRUBBY);
	assert_int_equal(apply_with(&s, BL_GRUBBY, false, &st), 0);
	assert_string_equal(fx_read(s.dir, "tools.log", out, sizeof(out)),
			    "grubby --update-kernel=ALL --args=nohz_full=2-3 "
			    "isolcpus=managed_irq,domain,2-3 rcu_nocbs=2-3 irqaffinity=0-1 "
			    "skew_tick=1 --remove-args=isolcpus\n");
	assert_string_equal(
		fx_read(s.dir, "boot/loader/entries/abc-5.14.0.conf.tlbiso.bak", out, sizeof(out)),
		"options root=/dev/sda1 ro\n");
	sysroot_fini(&s);
}

/* kernel-install: /etc/kernel/cmdline rewritten from itself, backed up, then kernel-install. */
static void test_apply_kernel_install(void **state)
{
	struct sysroot s;
	struct ba_steps st;
	enum bootloader bl;
	char out[4096], how[128];
	struct tl_err e;

	sysroot_init(&s, debian);
	fx_write(s.dir, "etc/kernel/cmdline", "root=/dev/vda2 rw isolcpus=3 isolcpus=1\n");
	assert_int_equal(bootargs_detect(&s.p, &bl, how, sizeof(how), &e), 0);
	assert_int_equal(bl, BL_KERNEL_INSTALL);
	assert_int_equal(apply_with(&s, BL_KERNEL_INSTALL, false, &st), 0);
	assert_string_equal(fx_read(s.dir, "etc/kernel/cmdline", out, sizeof(out)),
			    "root=/dev/vda2 rw nohz_full=2-3 isolcpus=managed_irq,domain,2-3 "
			    "rcu_nocbs=2-3 irqaffinity=0-1 skew_tick=1\n");
	assert_string_equal(fx_read(s.dir, "etc/kernel/cmdline.tlbiso.bak", out, sizeof(out)),
			    "root=/dev/vda2 rw isolcpus=3 isolcpus=1\n");
	assert_string_equal(
		fx_read(s.dir, "tools.log", out, sizeof(out)),
		"kernel-install add 6.1.0-13-amd64 /lib/modules/6.1.0-13-amd64/vmlinuz\n");
	sysroot_fini(&s);
}

/* Nothing to detect: a clear error naming --bootloader. */
static void test_detect_none(void **state)
{
	struct sysroot s;
	enum bootloader bl;
	char how[128];
	struct tl_err e;

	sysroot_init(&s, debian);
	assert_int_equal(bootargs_detect(&s.p, &bl, how, sizeof(how), &e), -ENOENT);
	assert_non_null(strstr(e.msg, "--bootloader"));
	sysroot_fini(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compute),
		cmocka_unit_test(test_debian),
		cmocka_unit_test(test_rhel_tuned),
		cmocka_unit_test(test_openshift_duplicates),
		cmocka_unit_test(test_equivalent_kept),
		cmocka_unit_test(test_quotes_and_init_args),
		cmocka_unit_test(test_apply_grub),
		cmocka_unit_test(test_apply_grubby),
		cmocka_unit_test(test_apply_kernel_install),
		cmocka_unit_test(test_detect_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
