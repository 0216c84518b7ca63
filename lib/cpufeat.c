// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CPU features behind the TLB-flush verdict. See cpufeat.h for the sources;
 * the raw CPUID and MSR reads go through struct cpuid_source so that a
 * sysroot dump (tlbiso/cpuid, tlbiso/msr) can stand in for the live CPU.
 */
#include "config.h"

#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cpufeat.h"

#define MSR_IA32_CORE_CAPS 0xCF
#define CORE_CAP_RAR	   (1ull << 1)

/* ------------------------------------------------------------ live source */

/* CPUID on the CPU we run on: it is a plain instruction, nothing remote. */
static int live_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	unsigned int a, b, c, d;

	(void)ctx;
	if (!__get_cpuid_count(leaf, subleaf, &a, &b, &c, &d))
		return -ENOENT;
	*out = (struct cpuid_regs){a, b, c, d};
	return 0;
}

/* pread the MSR of the CPU named cpu; the caller has pinned us there. */
static int msr_pread(const struct tl_path *p, int cpu, uint32_t msr, uint64_t *out)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/dev/cpu/%d/msr", cpu);
	fd = tl_path_open(p, path, O_RDONLY);
	if (fd < 0)
		return fd == -ENOENT || fd == -ENXIO ? -ENODEV : fd; /* no msr driver */
	n = pread(fd, out, sizeof(*out), msr);
	close(fd);
	if (n != (ssize_t)sizeof(*out))
		return n < 0 ? -errno : -EIO;
	return 0;
}

/*
 * Read an MSR of the CPU we are on, never another one: the msr driver reads
 * a remote CPU's MSR with an IPI, which is exactly what an isolated CPU must
 * not get. We pin ourselves to the current CPU for the read, then restore.
 */
static int live_rdmsr(void *ctx, uint32_t msr, uint64_t *out)
{
	const struct tl_path *p = ctx;
	cpu_set_t old, one;
	int cpu, r;

	if (geteuid() != 0)
		return -EACCES;
	if (sched_getaffinity(0, sizeof(old), &old) < 0)
		return -errno;
	cpu = sched_getcpu();
	if (cpu < 0)
		return -errno;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one) < 0)
		return -errno;
	/* We may have been migrated before the pin took effect: ask again. */
	cpu = sched_getcpu();
	r = cpu < 0 ? -errno : msr_pread(p, cpu, msr, out);
	sched_setaffinity(0, sizeof(old), &old);
	return r;
}

/* ------------------------------------------------------------ dump source */

/* Parse one "a b c d ..." line of hex words; returns how many were read. */
static int parse_hex_words(const char *line, uint64_t *w, int max)
{
	const char *s = line;
	char *end;
	int n = 0;

	while (n < max) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '\n' || *s == '#')
			break;
		errno = 0;
		w[n] = strtoull(s, &end, 16);
		if (end == s || errno)
			return -1;
		n++;
		s = end;
	}
	return n;
}

/* Find the line of a dump file whose leading words match key[0..nkey). */
static int dump_lookup(const struct tl_path *p, const char *file, const uint64_t *key, int nkey,
		       uint64_t *vals, int nvals)
{
	struct tl_buf b = {0};
	struct tl_err e;
	char *line, *save = NULL;
	uint64_t w[8];
	int r = -ENOENT;

	if (tl_path_read_buf(p, file, &b, &e) < 0)
		return -ENOENT;
	for (line = strtok_r(b.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (parse_hex_words(line, w, nkey + nvals) != nkey + nvals)
			continue;
		if (memcmp(w, key, sizeof(*key) * nkey))
			continue;
		memcpy(vals, w + nkey, sizeof(*vals) * nvals);
		r = 0;
		break;
	}
	tl_buf_free(&b);
	return r;
}

/* CPUID from the dump's tlbiso/cpuid: "leaf subleaf eax ebx ecx edx" in hex. */
static int dump_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	uint64_t key[2] = {leaf, subleaf}, v[4];
	int r = dump_lookup(ctx, "/tlbiso/cpuid", key, 2, v, 4);

	if (r < 0)
		return r;
	*out = (struct cpuid_regs){(uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2], (uint32_t)v[3]};
	return 0;
}

/*
 * A snapshot that could not read the MSR records why ("cf error EACCES"),
 * so that the dump reports the same "not root" or "modprobe msr" as the
 * live run did.
 */
static int dump_msr_error(const struct tl_path *p, uint32_t msr)
{
	struct tl_buf b = {0};
	char want[32], *hit;
	int r = 0;

	snprintf(want, sizeof(want), "%x error ", msr);
	if (tl_path_read_buf(p, "/tlbiso/msr", &b, NULL) < 0)
		return 0;
	hit = strstr(b.data, want);
	if (hit && (hit == b.data || hit[-1] == '\n')) {
		hit += strlen(want);
		r = !strncmp(hit, "EACCES", 6)	 ? -EACCES
		    : !strncmp(hit, "ENODEV", 6) ? -ENODEV
						 : -EIO;
	}
	tl_buf_free(&b);
	return r;
}

/* MSR from the dump's tlbiso/msr: "msr value" in hex, or "msr error ERRNAME". */
static int dump_rdmsr(void *ctx, uint32_t msr, uint64_t *out)
{
	uint64_t key[1] = {msr};
	int r = dump_msr_error(ctx, msr);

	return r < 0 ? r : dump_lookup(ctx, "/tlbiso/msr", key, 1, out, 1);
}

void cpuid_source_for_path(struct cpuid_source *src, const struct tl_path *p)
{
	src->ctx = (void *)p;
	if (p->live) {
		src->cpuid = live_cpuid;
		src->rdmsr = live_rdmsr;
	} else {
		src->cpuid = dump_cpuid;
		src->rdmsr = dump_rdmsr;
	}
}

/* ------------------------------------------------------------ /proc/cpuinfo */

/* Copy the value of a "key\t: value" line when its key matches. */
static bool cpuinfo_field(const char *line, const char *key, char *out, size_t outsz)
{
	size_t klen = strlen(key);
	const char *v;

	if (strncmp(line, key, klen) ||
	    (line[klen] != ' ' && line[klen] != '\t' && line[klen] != ':'))
		return false;
	v = strchr(line + klen, ':');
	if (!v)
		return false;
	v++;
	while (*v == ' ' || *v == '\t')
		v++;
	snprintf(out, outsz, "%.*s", (int)strcspn(v, "\n"), v);
	return true;
}

/* A flag is a whole word of the flags line ("pti" must not match "ptiX"). */
static bool has_word(const char *list, const char *word)
{
	size_t wl = strlen(word);
	const char *s = list;

	while (*s) {
		size_t n;

		s += strspn(s, " \t");
		n = strcspn(s, " \t");
		if (n == wl && !strncmp(s, word, wl))
			return true;
		s += n;
	}
	return false;
}

/* Parse an integer field; -1 when absent or not a number. */
static int parse_int_or(const char *s, int dflt)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || v < 0 || v > 0xffff)
		return dflt;
	return (int)v;
}

/* Fill identity and flags from one cpuinfo line. */
static void cpuinfo_line(struct cpu_features *f, const char *line)
{
	char v[4096];

	if (cpuinfo_field(line, "vendor_id", v, sizeof(v)))
		snprintf(f->vendor, sizeof(f->vendor), "%.15s", v);
	else if (cpuinfo_field(line, "cpu family", v, sizeof(v)))
		f->family = parse_int_or(v, -1);
	else if (cpuinfo_field(line, "model name", v, sizeof(v)))
		snprintf(f->model_name, sizeof(f->model_name), "%.127s", v);
	else if (cpuinfo_field(line, "model", v, sizeof(v)))
		f->model = parse_int_or(v, -1);
	else if (cpuinfo_field(line, "stepping", v, sizeof(v)))
		f->stepping = parse_int_or(v, -1);
	else if (cpuinfo_field(line, "flags", v, sizeof(v)))
		f->pti_flag = has_word(v, "pti");
}

/* The first processor block describes the boot CPU; the others match it. */
static int cpuinfo_read(struct cpu_features *f, const struct tl_path *p, struct tl_err *e)
{
	struct tl_buf b = {0};
	char *line, *save = NULL;
	int r;

	r = tl_path_read_buf(p, "/proc/cpuinfo", &b, e);
	if (r < 0)
		return r;
	for (line = strtok_r(b.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "processor", 9) && f->vendor[0])
			break; /* second block */
		cpuinfo_line(f, line);
	}
	tl_buf_free(&b);
	return 0;
}

/* ------------------------------------------------------------ CPUID facts */

/* Vendor from CPUID leaf 0 when cpuinfo did not say (non-x86 dump, odd kernel). */
static void vendor_from_cpuid(struct cpu_features *f, const struct cpuid_source *src)
{
	struct cpuid_regs r;
	char v[13];

	if (f->vendor[0] || src->cpuid(src->ctx, 0, 0, &r) < 0)
		return;
	memcpy(v, &r.ebx, 4);
	memcpy(v + 4, &r.edx, 4);
	memcpy(v + 8, &r.ecx, 4);
	v[12] = '\0';
	snprintf(f->vendor, sizeof(f->vendor), "%.15s", v);
}

/* INVLPGB: CPUID 0x80000008 EBX[3], only when that extended leaf exists. */
static void read_invlpgb(struct cpu_features *f, const struct cpuid_source *src)
{
	struct cpuid_regs r;

	if (src->cpuid(src->ctx, 0x80000000, 0, &r) < 0)
		return;
	if (r.eax < 0x80000008) {
		f->invlpgb = TRI_NO;
		return;
	}
	if (src->cpuid(src->ctx, 0x80000008, 0, &r) < 0)
		return;
	f->invlpgb = (r.ebx & (1u << 3)) ? TRI_YES : TRI_NO;
	if (f->invlpgb == TRI_YES)
		f->invlpgb_count_max = (int)(r.edx & 0xffff) + 1;
}

/* CORE_CAPABILITIES: CPUID.(7,0):EDX[30], only when leaf 7 exists. */
static void read_core_caps(struct cpu_features *f, const struct cpuid_source *src)
{
	struct cpuid_regs r;

	if (src->cpuid(src->ctx, 0, 0, &r) < 0)
		return;
	if (r.eax < 7) {
		f->core_caps = TRI_NO;
		return;
	}
	if (src->cpuid(src->ctx, 7, 0, &r) < 0)
		return;
	f->core_caps = (r.edx & (1u << 30)) ? TRI_YES : TRI_NO;
}

/* RAR: MSR 0xCF bit 1, readable only when the MSR exists (core_caps). */
static void read_rar(struct cpu_features *f, const struct cpuid_source *src)
{
	uint64_t v;
	int r;

	if (f->core_caps == TRI_NO) {
		f->rar = TRI_NO;
		return;
	}
	if (f->core_caps == TRI_UNKNOWN) {
		snprintf(f->rar_reason, sizeof(f->rar_reason), "CPUID leaf 7 unknown");
		return;
	}
	r = src->rdmsr(src->ctx, MSR_IA32_CORE_CAPS, &v);
	if (r == 0) {
		f->rar = (v & CORE_CAP_RAR) ? TRI_YES : TRI_NO;
		return;
	}
	if (r == -EACCES || r == -EPERM)
		snprintf(f->rar_reason, sizeof(f->rar_reason), "not root");
	else if (r == -ENODEV)
		snprintf(f->rar_reason, sizeof(f->rar_reason),
			 "msr module not loaded (modprobe msr)");
	else if (r == -ENOENT)
		snprintf(f->rar_reason, sizeof(f->rar_reason), "MSR 0xCF not in the dump");
	else
		snprintf(f->rar_reason, sizeof(f->rar_reason), "reading MSR 0xCF: %s",
			 strerror(-r));
}

int cpufeat_read(struct cpu_features *f, const struct tl_path *p, const struct cpuid_source *src,
		 struct tl_err *e)
{
	struct tl_err ignored;
	int r;

	memset(f, 0, sizeof(*f));
	f->family = f->model = f->stepping = -1;
	f->invlpgb = f->core_caps = f->rar = TRI_UNKNOWN;
	/* Without cpuinfo the CPUID facts are still worth having: go on, report at the end. */
	r = cpuinfo_read(f, p, e);
	if (tl_path_read_line(p, "/sys/devices/system/cpu/vulnerabilities/meltdown", f->meltdown,
			      sizeof(f->meltdown), &ignored) < 0)
		f->meltdown[0] = '\0';
	vendor_from_cpuid(f, src);
	f->zen2 = !strcmp(f->vendor, "AuthenticAMD") && f->family == 0x17;
	read_invlpgb(f, src);
	read_core_caps(f, src);
	read_rar(f, src);
	return r;
}
