// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bootargs.h"

/* Parameter names compare with '-' and '_' equal, as the kernel compares them. */
static bool ba_key_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if ((*a == '-' ? '_' : *a) != (*b == '-' ? '_' : *b))
			return false;
	return *a == *b;
}

/* Append one parameter with its reason. */
static void ba_add(struct bootargs *b, const char *key, const char *value, const char *reason)
{
	struct bootargs_param *bp = &b->p[b->n++];

	snprintf(bp->key, sizeof(bp->key), "%s", key);
	bp->has_value = value != NULL;
	snprintf(bp->value, sizeof(bp->value), "%s", value ? value : "");
	snprintf(bp->reason, sizeof(bp->reason), "%s", reason);
}

int bootargs_compute(const struct bootargs_opts *o, struct bootargs *out, struct tl_err *e)
{
	char iso[BA_VALUE_MAX - 32], hk[BA_VALUE_MAX], v[BA_VALUE_MAX];

	memset(out, 0, sizeof(*out));
	if (cpuset_empty(&o->isolated))
		return tl_err_set(e, EINVAL, "the isolated set is empty");
	if (cpuset_isset(&o->isolated, 0))
		return tl_err_set(e, EINVAL,
				  "CPU 0 cannot be isolated: the boot CPU keeps "
				  "the timekeeping tick (nohz_full drops it)");
	if (cpuset_intersects(&o->isolated, &o->housekeeping) || cpuset_empty(&o->housekeeping))
		return tl_err_set(e, EINVAL,
				  "isolated and housekeeping sets must be disjoint, "
				  "housekeeping non-empty");
	if (cpulist_format(&o->isolated, iso, sizeof(iso)) < 0 ||
	    cpulist_format(&o->housekeeping, hk, sizeof(hk)) < 0)
		return tl_err_set(e, ENOSPC, "CPU list too long for a command line");
	ba_add(out, "nohz_full", iso, "stop the scheduler tick on isolated CPUs running one task");
	snprintf(v, sizeof(v), "managed_irq,domain,%s", iso);
	ba_add(out, "isolcpus", v,
	       "no load balancing onto isolated CPUs; managed IRQs kept off them where possible");
	ba_add(out, "rcu_nocbs", iso, "RCU callbacks of isolated CPUs run in rcuo kthreads");
	ba_add(out, "irqaffinity", hk, "IRQs start on housekeeping CPUs from boot on");
	ba_add(out, "skew_tick", "1", "offset the CPUs' ticks so they do not contend on one lock");
	if (o->rcu_nocb_poll)
		ba_add(out, "rcu_nocb_poll", NULL,
		       "rcuo kthreads poll instead of being woken by isolated CPUs "
		       "(costs housekeeping CPU time)");
	if (o->tsc_reliable)
		ba_add(out, "tsc", "reliable",
		       "no clocksource watchdog checks; only when the TSC is known stable");
	return 0;
}

void bootargs_token(const struct bootargs_param *bp, char *out, size_t outsz)
{
	if (bp->has_value)
		snprintf(out, outsz, "%s=%s", bp->key, bp->value);
	else
		snprintf(out, outsz, "%s", bp->key);
}

/* A token as the kernel would read it back: quotes where a value holds blanks. */
static void ba_token_text(const struct cmdline_token *t, char *out, size_t outsz)
{
	if (!t->value)
		snprintf(out, outsz, strchr(t->key, ' ') ? "\"%s\"" : "%s", t->key);
	else if (strpbrk(t->value, " \t"))
		snprintf(out, outsz, "%s=\"%s\"", t->key, t->value);
	else
		snprintf(out, outsz, "%s=%s", t->key, t->value);
}

/* Whether an existing value means the same as ours (sets compared as sets). */
static bool ba_same_value(const struct bootargs_param *bp, const char *value)
{
	struct cmdline *a, *b;
	char text[BA_VALUE_MAX + 32];
	bool same;

	if (!value || !bp->has_value)
		return !value && !bp->has_value;
	if (strcmp(bp->key, "nohz_full") && strcmp(bp->key, "isolcpus") &&
	    strcmp(bp->key, "rcu_nocbs") && strcmp(bp->key, "irqaffinity"))
		return strcmp(bp->value, value) == 0;
	/* Let the one tokenizer interpret both, and compare what it understood. */
	a = malloc(sizeof(*a));
	b = malloc(sizeof(*b));
	snprintf(text, sizeof(text), "%s=%s", bp->key, bp->value);
	same = a && b && cmdline_parse(a, text, NULL) == 0;
	snprintf(text, sizeof(text), "%s=%s", bp->key, value);
	same = same && cmdline_parse(b, text, NULL) == 0 && b->nwarnings == 0 &&
	       cpuset_equal(&a->nohz_full, &b->nohz_full) &&
	       cpuset_equal(&a->isolcpus, &b->isolcpus) && a->isolcpus_flags == b->isolcpus_flags &&
	       cpuset_equal(&a->rcu_nocbs, &b->rcu_nocbs) &&
	       cpuset_equal(&a->irqaffinity, &b->irqaffinity);
	free(a);
	free(b);
	return same;
}

/* Which of our parameters a token is, or -1. */
static int ba_param_of(const struct bootargs *b, const char *key)
{
	for (int i = 0; i < b->n; i++)
		if (ba_key_eq(b->p[i].key, key))
			return i;
	return -1;
}

/* Classify each of our parameters against the tokens found. */
static void ba_classify(const struct bootargs *b, const struct cmdline *c, struct ba_diff *d)
{
	char tok[BA_VALUE_MAX + 40];

	d->n = b->n;
	for (int i = 0; i < b->n; i++) {
		struct ba_diff_item *it = &d->items[i];
		const char *last = NULL;

		memset(it, 0, sizeof(*it));
		it->param = i;
		for (int k = 0; k < c->ntokens; k++) {
			if (!ba_key_eq(c->tokens[k].key, b->p[i].key))
				continue;
			ba_token_text(&c->tokens[k], tok, sizeof(tok));
			snprintf(it->old + strlen(it->old), sizeof(it->old) - strlen(it->old),
				 "%s%s", it->nold ? " " : "", tok);
			last = c->tokens[k].value;
			it->nold++;
		}
		if (it->nold == 0)
			it->change = BA_ADDED;
		else if (it->nold == 1 && ba_same_value(&b->p[i], last))
			it->change = BA_KEPT;
		else
			it->change = BA_REPLACED;
	}
}

/* Append text to the new command line, space-separated. */
static void ba_emit(struct ba_diff *d, const char *text)
{
	size_t l = strlen(d->cmdline);

	snprintf(d->cmdline + l, sizeof(d->cmdline) - l, "%s%s", l ? " " : "", text);
}

int bootargs_diff(const struct bootargs *b, const char *current, struct ba_diff *d,
		  struct tl_err *e)
{
	struct cmdline *c = malloc(sizeof(*c));
	char tok[BA_VALUE_MAX + 40];
	int r;

	if (!c)
		return tl_err_set(e, ENOMEM, "out of memory");
	memset(d, 0, sizeof(*d));
	r = cmdline_parse(c, current, e);
	if (r < 0) {
		free(c);
		return r;
	}
	ba_classify(b, c, d);
	for (int k = 0; k < c->ntokens; k++) {
		int i = ba_param_of(b, c->tokens[k].key);

		if (i >= 0 && d->items[i].change != BA_KEPT)
			continue; /* replaced: every instance goes, ours is appended once */
		ba_token_text(&c->tokens[k], tok, sizeof(tok));
		ba_emit(d, tok);
	}
	for (int i = 0; i < b->n; i++)
		if (d->items[i].change != BA_KEPT) {
			bootargs_token(&b->p[i], tok, sizeof(tok));
			ba_emit(d, tok);
		}
	if (c->init_args && *c->init_args) {
		ba_emit(d, "--");
		ba_emit(d, c->init_args);
	}
	free(c);
	return 0;
}

const char *ba_change_name(enum ba_change c)
{
	return c == BA_ADDED ? "added" : c == BA_REPLACED ? "replaced" : "kept";
}

static const char *const bl_names[] = {[BL_NONE] = "none",
				       [BL_GRUB] = "grub",
				       [BL_GRUBBY] = "grubby",
				       [BL_KERNEL_INSTALL] = "kernel-install"};

const char *bootloader_name(enum bootloader bl)
{
	return bl_names[bl];
}

int bootloader_parse(const char *name, enum bootloader *out)
{
	for (int i = BL_GRUB; i <= BL_KERNEL_INSTALL; i++)
		if (!strcmp(name, bl_names[i])) {
			*out = (enum bootloader)i;
			return 0;
		}
	return -EINVAL;
}

/* Whether a program is on PATH (the tools run on this host, even with a sysroot). */
static bool ba_on_path(const char *prog)
{
	const char *path = getenv("PATH");
	char dir[PATH_MAX], full[PATH_MAX * 2];

	for (const char *s = path ? path : "/usr/sbin:/usr/bin:/sbin:/bin"; *s;) {
		size_t n = strcspn(s, ":");

		snprintf(dir, sizeof(dir), "%.*s", (int)n, s);
		snprintf(full, sizeof(full), "%s/%s", dir[0] ? dir : ".", prog);
		if (access(full, X_OK) == 0)
			return true;
		s += n + (s[n] == ':');
	}
	return false;
}

int bootargs_detect(const struct tl_path *p, enum bootloader *out, char *how, size_t howsz,
		    struct tl_err *e)
{
	if (tl_path_exists(p, "/etc/kernel/cmdline")) {
		snprintf(how, howsz, "/etc/kernel/cmdline exists");
		*out = BL_KERNEL_INSTALL;
	} else if (ba_on_path("grubby") && (tl_path_exists(p, "/etc/redhat-release") ||
					    tl_path_exists(p, "/boot/loader/entries"))) {
		snprintf(how, howsz, "grubby on PATH, an RPM-style system");
		*out = BL_GRUBBY;
	} else if (tl_path_exists(p, "/etc/default/grub")) {
		snprintf(how, howsz, "/etc/default/grub exists");
		*out = BL_GRUB;
	} else {
		*out = BL_NONE;
		return tl_err_set(e, ENOENT,
				  "no bootloader configuration found "
				  "(/etc/kernel/cmdline, grubby, /etc/default/grub): "
				  "use --bootloader");
	}
	return 0;
}

int bootargs_grub_dropin(const struct bootargs *b, char *out, size_t outsz)
{
	char pat[512] = "", ours[CMDLINE_MAX] = "", tok[BA_VALUE_MAX + 40];
	int n;

	for (int i = 0; i < b->n; i++) {
		bootargs_token(&b->p[i], tok, sizeof(tok));
		snprintf(ours + strlen(ours), sizeof(ours) - strlen(ours), " %s", tok);
		snprintf(pat + strlen(pat), sizeof(pat) - strlen(pat), "%s%s%s", i ? "|" : "",
			 b->p[i].key, b->p[i].has_value ? "=*" : "");
	}
	n = snprintf(
		out, outsz,
		"# Written by tlbisoctl bootargs --apply (CPU isolation).\n"
		"# grub-mkconfig sources this after /etc/default/grub. It first drops the\n"
		"# parameters below wherever they already are (in GRUB_CMDLINE_LINUX or\n"
		"# GRUB_CMDLINE_LINUX_DEFAULT: of two isolcpus= the kernel silently takes the\n"
		"# last), then appends them once. Remove this file to undo.\n"
		"tlbiso_strip() {\n"
		"\ttlbiso_out=\n"
		"\tfor tlbiso_t in $1; do\n"
		"\t\tcase \"$tlbiso_t\" in\n"
		"\t\t%s) ;;\n"
		"\t\t*) tlbiso_out=\"$tlbiso_out $tlbiso_t\" ;;\n"
		"\t\tesac\n"
		"\tdone\n"
		"\techo \"${tlbiso_out# }\"\n"
		"}\n"
		"GRUB_CMDLINE_LINUX_DEFAULT=\"$(set -f; tlbiso_strip "
		"\"$GRUB_CMDLINE_LINUX_DEFAULT\")\"\n"
		"GRUB_CMDLINE_LINUX=\"$(set -f; tlbiso_strip \"$GRUB_CMDLINE_LINUX\")%s\"\n"
		"unset -f tlbiso_strip\n",
		pat, ours);
	return n < 0 || (size_t)n >= outsz ? -ENOSPC : 0;
}

/* Open a directory under the root, creating its last component if needed (grub.d). */
static int ba_open_dir(const struct tl_path *p, const char *dir)
{
	char tmp[PATH_MAX], base[NAME_MAX + 1];
	int fd = tl_path_open(p, dir, O_RDONLY | O_DIRECTORY), pfd;

	if (fd != -ENOENT)
		return fd;
	snprintf(tmp, sizeof(tmp), "%s", dir);
	snprintf(base, sizeof(base), "%s", basename(tmp));
	snprintf(tmp, sizeof(tmp), "%s", dir);
	pfd = tl_path_open(p, dirname(tmp), O_RDONLY | O_DIRECTORY);
	if (pfd < 0)
		return pfd;
	if (mkdirat(pfd, base, 0755) < 0 && errno != EEXIST) {
		close(pfd);
		return -errno;
	}
	close(pfd);
	return tl_path_open(p, dir, O_RDONLY | O_DIRECTORY);
}

/* Write name in dfd atomically: a temporary file, fsync, rename, fsync the directory. */
static int ba_write_at(int dfd, const char *name, const char *text, size_t len)
{
	char tmp[NAME_MAX + 16];
	int fd, r = 0;

	snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0)
		r = errno ? -errno : -EIO;
	close(fd);
	if (r == 0 && renameat(dfd, tmp, dfd, name) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(dfd, tmp, 0);
	else
		fsync(dfd);
	return r;
}

/* Write a file under the root, keeping the old one as <file>.tlbiso.bak. */
static int ba_write_file(const struct tl_path *p, const char *path, const char *text,
			 struct tl_err *e)
{
	char dir[PATH_MAX], name[NAME_MAX + 1], bak[NAME_MAX + 16], tmp[PATH_MAX];
	struct tl_buf old = {0};
	int dfd, r = 0;

	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(name, sizeof(name), "%s", basename(tmp));
	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(dir, sizeof(dir), "%s", dirname(tmp));
	dfd = ba_open_dir(p, dir);
	if (dfd < 0)
		return tl_err_sys(e, -dfd, "cannot open %s", dir);
	if (tl_path_read_buf(p, path, &old, NULL) == 0) {
		snprintf(bak, sizeof(bak), "%s.tlbiso.bak", name);
		r = ba_write_at(dfd, bak, old.data, old.len);
	}
	if (r == 0)
		r = ba_write_at(dfd, name, text, strlen(text));
	close(dfd);
	tl_buf_free(&old);
	return r < 0 ? tl_err_sys(e, -r, "cannot write %s", path) : 0;
}

/* Run a tool (no shell); its output goes to stderr so that --json stays clean. */
static int ba_run(char *const argv[], struct tl_err *e)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return tl_err_sys(e, errno, "cannot run %s", argv[0]);
	if (pid == 0) {
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return tl_err_sys(e, errno, "waiting for %s", argv[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return tl_err_set(e, EIO, "%s failed (%s %d)", argv[0],
				  WIFEXITED(status) ? "exit status" : "signal",
				  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return 0;
}

/* Record a step for the report. */
static void __attribute__((format(printf, 2, 3))) ba_step(struct ba_steps *s, const char *fmt, ...)
{
	va_list ap;

	if (s->n >= 8)
		return;
	va_start(ap, fmt);
	vsnprintf(s->line[s->n++], sizeof(s->line[0]), fmt, ap);
	va_end(ap);
}

/* Debian and Ubuntu: the drop-in, then update-grub. */
static int ba_apply_grub(const struct tl_path *p, const struct bootargs *b, bool dry,
			 struct ba_steps *s, struct tl_err *e)
{
	char text[8192];
	char *argv[] = {"update-grub", NULL};
	int r;

	if (bootargs_grub_dropin(b, text, sizeof(text)) < 0)
		return tl_err_set(e, ENOSPC, "parameters too long for the drop-in");
	ba_step(s, "write /etc/default/grub.d/tlbiso.cfg (old one kept as tlbiso.cfg.tlbiso.bak)");
	ba_step(s, "run update-grub");
	if (dry)
		return 0;
	r = ba_write_file(p, "/etc/default/grub.d/tlbiso.cfg", text, e);
	return r < 0 ? r : ba_run(argv, e);
}

/* Keep a copy of each BLS entry grubby is about to edit. */
static void ba_backup_bls(const struct tl_path *p)
{
	char path[PATH_MAX];
	struct tl_buf b = {0};
	struct dirent *de;
	DIR *d = tl_path_opendir(p, "/boot/loader/entries");

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l < 6 || strcmp(de->d_name + l - 5, ".conf"))
			continue;
		snprintf(path, sizeof(path), "/boot/loader/entries/%s", de->d_name);
		if (tl_path_read_buf(p, path, &b, NULL) == 0) {
			snprintf(path, sizeof(path), "/boot/loader/entries/%s.tlbiso.bak",
				 de->d_name);
			ba_write_file(p, path, b.data, NULL);
		}
	}
	closedir(d);
	tl_buf_free(&b);
}

/* RPM systems: grubby edits every kernel's entry; ours replace the old instances. */
static int ba_apply_grubby(const struct tl_path *p, const struct bootargs *b,
			   const struct ba_diff *d, bool dry, struct ba_steps *s, struct tl_err *e)
{
	char args[CMDLINE_MAX] = "--args=", rm[512] = "--remove-args=", tok[BA_VALUE_MAX + 40];
	char *argv[] = {"grubby", "--update-kernel=ALL", args, rm, NULL};

	for (int i = 0; i < b->n; i++) {
		bootargs_token(&b->p[i], tok, sizeof(tok));
		snprintf(args + strlen(args), sizeof(args) - strlen(args), "%s%s", i ? " " : "",
			 tok);
		if (d->items[i].change == BA_REPLACED)
			snprintf(rm + strlen(rm), sizeof(rm) - strlen(rm), "%s%s",
				 strlen(rm) > 14 ? " " : "", b->p[i].key);
	}
	if (strlen(rm) == 14)
		argv[3] = NULL;
	ba_step(s, "back up /boot/loader/entries/*.conf as *.conf.tlbiso.bak");
	ba_step(s, "run grubby --update-kernel=ALL %s%s%s", args, argv[3] ? " " : "",
		argv[3] ? rm : "");
	if (dry)
		return 0;
	ba_backup_bls(p);
	return ba_run(argv, e);
}

/* The base for /etc/kernel/cmdline: the file, else the running line minus loader tokens. */
static int ba_kernel_cmdline_base(const struct tl_path *p, char *out, size_t outsz)
{
	struct cmdline *c;
	char tok[BA_VALUE_MAX + 40];

	if (tl_path_read_line(p, "/etc/kernel/cmdline", out, outsz, NULL) == 0)
		return 0;
	c = malloc(sizeof(*c));
	if (!c || cmdline_read(c, p, NULL) < 0) {
		free(c);
		out[0] = '\0';
		return 0;
	}
	out[0] = '\0';
	for (int k = 0; k < c->ntokens; k++) {
		if (!strcmp(c->tokens[k].key, "BOOT_IMAGE") || !strcmp(c->tokens[k].key, "initrd"))
			continue;
		ba_token_text(&c->tokens[k], tok, sizeof(tok));
		snprintf(out + strlen(out), outsz - strlen(out), "%s%s", out[0] ? " " : "", tok);
	}
	free(c);
	return 0;
}

/* systemd-boot and UKI systems: /etc/kernel/cmdline, then kernel-install for this kernel. */
static int ba_apply_kernel_install(const struct tl_path *p, const struct bootargs *b, bool dry,
				   struct ba_steps *s, struct tl_err *e)
{
	char base[CMDLINE_MAX], kver[128] = "", image[PATH_MAX], text[CMDLINE_MAX * 2 + 2];
	char *argv[] = {"kernel-install", "add", kver, image, NULL};
	struct ba_diff *d = malloc(sizeof(*d));
	int r;

	if (!d)
		return tl_err_set(e, ENOMEM, "out of memory");
	ba_kernel_cmdline_base(p, base, sizeof(base));
	r = bootargs_diff(b, base, d, e);
	tl_path_read_line(p, "/proc/sys/kernel/osrelease", kver, sizeof(kver), NULL);
	snprintf(image, sizeof(image), "/lib/modules/%s/vmlinuz", kver);
	if (r == 0) {
		snprintf(text, sizeof(text), "%s\n", d->cmdline);
		ba_step(s, "write /etc/kernel/cmdline: %s (old one kept as cmdline.tlbiso.bak)",
			d->cmdline);
		ba_step(s, "run kernel-install add %s %s", kver, image);
	}
	free(d);
	if (r < 0 || dry)
		return r;
	r = ba_write_file(p, "/etc/kernel/cmdline", text, e);
	return r < 0 ? r : ba_run(argv, e);
}

int bootargs_apply(const struct tl_path *p, enum bootloader bl, const struct bootargs *b,
		   const struct ba_diff *d, bool dry_run, struct ba_steps *steps, struct tl_err *e)
{
	memset(steps, 0, sizeof(*steps));
	switch (bl) {
	case BL_GRUB:
		return ba_apply_grub(p, b, dry_run, steps, e);
	case BL_GRUBBY:
		return ba_apply_grubby(p, b, d, dry_run, steps, e);
	case BL_KERNEL_INSTALL:
		return ba_apply_kernel_install(p, b, dry_run, steps, e);
	default:
		return tl_err_set(e, EINVAL, "no bootloader chosen");
	}
}
