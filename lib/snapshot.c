// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The dump behind `tlbisoctl snapshot`. What it copies is what the readers
 * read; when a reader starts reading a new file, add it here, or the
 * fixtures and users' dumps silently lose it.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "procs.h"
#include "snapshot.h"

struct snap {
	const struct tl_path *src;
	int dirfd;
	struct tl_buf buf;
	struct snapshot_stats *st;
};

/* Single files, as on the live system. */
static const char *const snap_files[] = {
	"/proc/interrupts",
	"/proc/cmdline",
	"/proc/cpuinfo",
	"/proc/sys/kernel/osrelease",
	"/proc/sys/kernel/random/boot_id",
	"/proc/sys/kernel/watchdog",
	"/proc/sys/kernel/nmi_watchdog",
	"/proc/sys/kernel/watchdog_cpumask",
	"/proc/sys/kernel/timer_migration",
	"/proc/irq/default_smp_affinity",
	"/sys/devices/system/cpu/online",
	"/sys/devices/system/cpu/possible",
	"/sys/devices/system/cpu/present",
	"/sys/devices/system/cpu/offline",
	"/sys/devices/system/cpu/isolated",
	"/sys/devices/system/cpu/nohz_full",
	"/sys/devices/system/cpu/kernel_max",
	"/sys/devices/system/cpu/smt/control",
	"/sys/devices/system/cpu/smt/active",
	"/sys/devices/system/node/online",
	"/sys/devices/system/node/possible",
	"/sys/devices/virtual/workqueue/cpumask",
	"/sys/devices/virtual/workqueue/cpumask_requested",
	"/sys/devices/virtual/workqueue/cpumask_isolated",
	"/etc/tlbiso/tlbiso.conf",
	"/etc/default/irqbalance",
	"/etc/sysconfig/irqbalance",
	NULL,
};

/* mkdir -p of the parent directories of rel under dirfd. */
static int mkparents(int dirfd, const char *rel)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", rel);
	for (char *s = strchr(tmp, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdirat(dirfd, tmp, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return 0;
}

/* Write data to dir/path (path absolute as on the live system). */
static int snap_write(struct snap *s, const char *path, const char *data, size_t len,
		      struct tl_err *e)
{
	const char *rel = path + strspn(path, "/");
	ssize_t n;
	int fd, r;

	r = mkparents(s->dirfd, rel);
	if (r < 0)
		return tl_err_sys(e, -r, "cannot create the directories of %s", rel);
	fd = openat(s->dirfd, rel, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return tl_err_sys(e, errno, "cannot create %s", rel);
	n = len ? write(fd, data, len) : 0;
	r = n == (ssize_t)len ? 0 : -(n < 0 ? errno : EIO);
	if (close(fd) < 0 && !r)
		r = -errno;
	if (r < 0)
		return tl_err_sys(e, -r, "cannot write %s", rel);
	s->st->files++;
	return 0;
}

/* Copy one file; an absent or unreadable source file is counted, not an error. */
static int snap_copy(struct snap *s, const char *path, struct tl_err *e)
{
	if (tl_path_read_buf(s->src, path, &s->buf, NULL) < 0) {
		s->st->missing++;
		return 0;
	}
	return snap_write(s, path, s->buf.data, s->buf.len, e);
}

/* A directory entry made of digits only (IRQ numbers, pids). */
static bool all_digits(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if (!isdigit((unsigned char)*name))
			return false;
	return true;
}

/* Entries of dir whose name starts with prefix and then has digits ("cpu12", "node0", "24"). */
typedef int (*snap_entry_fn)(struct snap *s, const char *name, struct tl_err *e);
static int snap_each(struct snap *s, const char *dir, const char *prefix, snap_entry_fn fn,
		     struct tl_err *e)
{
	size_t pl = strlen(prefix);
	struct dirent *d;
	DIR *dh;
	int r = 0;

	dh = tl_path_opendir(s->src, dir);
	if (!dh)
		return 0;
	while (!r && (d = readdir(dh)))
		if (!strncmp(d->d_name, prefix, pl) && all_digits(d->d_name + pl))
			r = fn(s, d->d_name, e);
	closedir(dh);
	return r;
}

/* /proc/irq/<n>/{smp,effective}_affinity{,_list}. */
static int snap_irq(struct snap *s, const char *name, struct tl_err *e)
{
	static const char *const f[] = {"smp_affinity", "smp_affinity_list", "effective_affinity",
					"effective_affinity_list"};
	char path[96];
	int r = 0;

	for (size_t i = 0; i < 4 && !r; i++) {
		snprintf(path, sizeof(path), "/proc/irq/%s/%s", name, f[i]);
		r = snap_copy(s, path, e);
	}
	return r;
}

/* cpuN/online and its topology files. */
static int snap_cpu(struct snap *s, const char *name, struct tl_err *e)
{
	static const char *const f[] = {"online", "topology/thread_siblings_list",
					"topology/core_id", "topology/physical_package_id"};
	char path[128];
	int r = 0;

	for (size_t i = 0; i < 4 && !r; i++) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/%s/%s", name, f[i]);
		r = snap_copy(s, path, e);
	}
	return r;
}

/* nodeN/cpulist. */
static int snap_node(struct snap *s, const char *name, struct tl_err *e)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/devices/system/node/%s/cpulist", name);
	return snap_copy(s, path, e);
}

/* Every file of vulnerabilities/. */
static int snap_vulns(struct snap *s, struct tl_err *e)
{
	const char *dir = "/sys/devices/system/cpu/vulnerabilities";
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dh;
	int r = 0;

	dh = tl_path_opendir(s->src, dir);
	if (!dh)
		return 0;
	while (!r && (d = readdir(dh))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		r = snap_copy(s, path, e);
	}
	closedir(dh);
	return r;
}

/* What procs_read_task reads for one task, plus comm and (irqbalance) environ. */
static int snap_task(struct snap *s, pid_t pid, bool environ, struct tl_err *e)
{
	static const char *const f[] = {"comm", "stat", "status"};
	char path[96];
	int r = 0;

	for (size_t i = 0; i < 3 && !r; i++) {
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, f[i]);
		r = snap_copy(s, path, e);
		snprintf(path, sizeof(path), "/proc/%d/task/%d/%s", (int)pid, (int)pid, f[i]);
		if (!r)
			r = snap_copy(s, path, e);
	}
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	return r || !environ ? r : snap_copy(s, path, e);
}

struct snap_walk {
	struct snap *s;
	struct tl_err *e;
};

/* Kernel threads (kthread.affinity) and irqbalance (irqbalance check). */
static int snap_visit(const struct task_info *t, void *arg)
{
	struct snap_walk *w = arg;
	bool irqb = !strcmp(t->comm, "irqbalance");

	if (!task_is_kthread(t) && !irqb)
		return 0;
	return snap_task(w->s, t->pid, irqb, w->e);
}

/* Decompress /proc/config.gz into text. */
static int snap_gunzip(struct snap *s, const char *path, struct tl_buf *out, struct tl_err *e)
{
	int fd = tl_path_open(s->src, path, O_RDONLY), n;
	gzFile gz;

	if (fd < 0)
		return fd;
	gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		return tl_err_set(e, ENOMEM, "cannot open %s with zlib", path);
	}
	out->len = 0;
	do {
		if (tl_buf_reserve(out, out->len + 65536) < 0) {
			gzclose(gz);
			return tl_err_set(e, ENOMEM, "out of memory decompressing %s", path);
		}
		n = gzread(gz, out->data + out->len, (unsigned)(out->cap - out->len - 1));
		if (n > 0)
			out->len += (size_t)n;
	} while (n > 0);
	gzclose(gz);
	if (n < 0)
		return tl_err_set(e, EIO, "%s: corrupt gzip data", path);
	out->data[out->len] = '\0';
	return 0;
}

/* The kernel config as boot/config-<release>, from config.gz when the kernel has it. */
static int snap_kconfig(struct snap *s, struct tl_err *e)
{
	char rel[128], path[192];
	struct tl_buf text = {0};
	int r;

	if (tl_path_read_line(s->src, "/proc/sys/kernel/osrelease", rel, sizeof(rel), NULL) < 0)
		return 0;
	snprintf(path, sizeof(path), "/boot/config-%s", rel);
	r = snap_gunzip(s, "/proc/config.gz", &text, e);
	if (r == 0)
		r = snap_write(s, path, text.data, text.len, e);
	else if (r == -ENOENT)
		r = snap_copy(s, path, e);
	tl_buf_free(&text);
	return r;
}

/* Append one CPUID leaf line "leaf subleaf eax ebx ecx edx" when the source has it. */
static void snap_leaf(const struct cpuid_source *cs, uint32_t leaf, uint32_t sub, char *out,
		      size_t sz)
{
	struct cpuid_regs r;
	size_t n = strlen(out);

	if (cs->cpuid(cs->ctx, leaf, sub, &r) < 0)
		return;
	snprintf(out + n, sz - n, "%x %x %08x %08x %08x %08x\n", leaf, sub, r.eax, r.ebx, r.ecx,
		 r.edx);
}

/* The MSR line: its value, or why it could not be read (so the dump says the same). */
static void snap_msr_line(const struct cpuid_source *cs, char *text, size_t sz)
{
	uint64_t v;
	int r = cs->rdmsr(cs->ctx, 0xCF, &v);

	if (r == 0)
		snprintf(text, sz, "# msr value (hex)\ncf %016llx\n", (unsigned long long)v);
	else
		snprintf(text, sz,
			 "# MSR 0xCF could not be read when the snapshot was taken\n"
			 "cf error %s\n",
			 r == -EACCES || r == -EPERM ? "EACCES"
			 : r == -ENODEV		     ? "ENODEV"
						     : "EIO");
}

/* tlbiso/cpuid and tlbiso/msr: the raw values cpufeat uses. */
static int snap_cpuid(struct snap *s, const struct cpuid_source *cs, struct tl_err *e)
{
	static const uint32_t leaves[][2] = {
		{0, 0}, {7, 0}, {0x80000000, 0}, {0x80000001, 0}, {0x80000008, 0}};
	char text[1024] = "# leaf subleaf eax ebx ecx edx (hex), CPUID of the CPU that took it\n";
	struct cpuid_regs r;
	int rc;

	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++)
		snap_leaf(cs, leaves[i][0], leaves[i][1], text, sizeof(text));
	rc = snap_write(s, "/tlbiso/cpuid", text, strlen(text), e);
	/* MSR 0xCF exists only with CORE_CAPABILITIES (CPUID.(7,0):EDX[30]). */
	if (rc || cs->cpuid(cs->ctx, 7, 0, &r) < 0 || !(r.edx & (1u << 30)))
		return rc;
	snap_msr_line(cs, text, sizeof(text));
	return snap_write(s, "/tlbiso/msr", text, strlen(text), e);
}

/* The file list, the enumerated directories, the config and CPUID, in turn. */
static int snap_all(struct snap *s, const struct cpuid_source *cs, struct tl_err *e)
{
	struct snap_walk w = {s, e};
	int r = 0;

	for (const char *const *f = snap_files; *f && !r; f++)
		r = snap_copy(s, *f, e);
	if (!r)
		r = snap_each(s, "/proc/irq", "", snap_irq, e);
	if (!r)
		r = snap_each(s, "/sys/devices/system/cpu", "cpu", snap_cpu, e);
	if (!r)
		r = snap_each(s, "/sys/devices/system/node", "node", snap_node, e);
	if (!r)
		r = snap_vulns(s, e);
	if (!r)
		r = snap_kconfig(s, e);
	if (!r)
		r = snap_cpuid(s, cs, e);
	if (!r)
		r = procs_walk(s->src, false, snap_visit, &w, e);
	return r < 0 ? r : 0;
}

int snapshot_take(const struct tl_path *src, const struct cpuid_source *cs, const char *dir,
		  struct snapshot_stats *st, struct tl_err *e)
{
	struct snap s = {.src = src, .st = st};
	int r;

	memset(st, 0, sizeof(*st));
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return tl_err_sys(e, errno, "cannot create %s", dir);
	s.dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s.dirfd < 0)
		return tl_err_sys(e, errno, "cannot open %s", dir);
	r = snap_all(&s, cs, e);
	close(s.dirfd);
	tl_buf_free(&s.buf);
	return r;
}
