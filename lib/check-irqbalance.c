// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * irqbalance moves IRQs every 10 s; unless it bans the isolated CPUs it
 * undoes any affinity set for them. Its ban list comes from the environment
 * (IRQBALANCE_BANNED_CPULIST, or the older mask IRQBALANCE_BANNED_CPUS, set
 * by /etc/default/irqbalance or /etc/sysconfig/irqbalance); without either,
 * irqbalance bans the kernel's isolated and nohz_full CPUs by itself.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "check-impl.h"

struct irqb_ban {
	bool found;
	char source[96]; /* where the ban came from, for the evidence */
	char var[32];	 /* IRQBALANCE_BANNED_CPULIST or ..._CPUS */
	char value[1024];
	struct cpuset set;
};

/* Strip shell quotes and blanks around a KEY=value value, in place. */
static char *unquote(char *v)
{
	size_t n;

	v += strspn(v, " \t");
	n = strcspn(v, "\n#");
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	v[n] = '\0';
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v[n - 1] = '\0';
		v++;
	}
	return v;
}

/* Look for one variable among NUL- or newline-separated KEY=value entries. */
static bool find_var(char *text, size_t len, char sep, const char *var, char *out, size_t sz)
{
	size_t vl = strlen(var);
	char *s = text, *end = text + len;

	while (s < end) {
		char *next = memchr(s, sep, (size_t)(end - s));

		if (next)
			*next = '\0';
		s += strspn(s, " \t");
		if (!strncmp(s, "export ", 7))
			s += 7;
		if (!strncmp(s, var, vl) && s[vl] == '=') {
			snprintf(out, sz, "%s", unquote(s + vl + 1));
			return true;
		}
		if (!next)
			break;
		s = next + 1;
	}
	return false;
}

/* The ban variables, list form first (it is the one irqbalance documents now). */
static bool ban_from_text(struct irqb_ban *b, char *text, size_t len, char sep)
{
	static const char *const vars[] = {"IRQBALANCE_BANNED_CPULIST", "IRQBALANCE_BANNED_CPUS"};
	char *copy;

	for (size_t i = 0; i < 2; i++) {
		copy = malloc(len + 1);
		if (!copy)
			return false;
		memcpy(copy, text, len);
		copy[len] = '\0';
		b->found = find_var(copy, len, sep, vars[i], b->value, sizeof(b->value));
		free(copy);
		if (!b->found)
			continue;
		snprintf(b->var, sizeof(b->var), "%s", vars[i]);
		return i == 0 ? cpulist_parse(b->value, &b->set, NULL) == 0
			      : cpumask_parse(b->value, &b->set, NULL) == 0;
	}
	return false;
}

/* The running process's environment is the truth; the config files are the fallback. */
static void irqb_read_ban(const struct check_ctx *c, pid_t pid, struct irqb_ban *b)
{
	static const char *const files[] = {"/etc/default/irqbalance", "/etc/sysconfig/irqbalance"};
	struct tl_buf buf = {0};
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	if (tl_path_read_buf(c->p, path, &buf, NULL) == 0 && buf.len) {
		snprintf(b->source, sizeof(b->source), "%s", path);
		ban_from_text(b, buf.data, buf.len, '\0');
		tl_buf_free(&buf);
		return;
	}
	for (size_t i = 0; i < 2 && !b->found; i++) {
		if (tl_path_read_buf(c->p, files[i], &buf, NULL) < 0)
			continue;
		snprintf(b->source, sizeof(b->source), "%s", files[i]);
		ban_from_text(b, buf.data, buf.len, '\n');
	}
	tl_buf_free(&buf);
}

/* irqbalance's own default when no variable is set: isolated + nohz_full. */
static void irqb_default_ban(const struct check_ctx *c, struct irqb_ban *b)
{
	cpuset_or(&b->set, &c->f->sysfs_isolated, &c->f->sysfs_nohz_full);
	snprintf(b->source, sizeof(b->source), "default (kernel isolated + nohz_full)");
}

void check_irqbalance(struct check_ctx *c, struct check_result *r)
{
	struct irqb_ban b = {0};
	pid_t pid;

	if (check_need_isolated(c, r))
		return;
	if (check_load_tasks(c) < 0) {
		check_set(r, CHECK_SKIP, "cannot walk the processes: %s", c->tasks_err);
		return;
	}
	pid = c->irqbalance_pid;
	ev_bool(r, "running", pid > 0);
	if (!pid) {
		check_set(r, CHECK_PASS, "irqbalance is not running");
		return;
	}
	ev_int(r, "pid", pid);
	irqb_read_ban(c, pid, &b);
	if (!b.found)
		irqb_default_ban(c, &b);
	ev_str(r, "ban_source", b.source);
	ev_str(r, "variable", b.found ? b.var : NULL);
	ev_str(r, "value", b.found ? b.value : NULL);
	ev_cpus(r, "banned_cpus", &b.set);
	if (cpuset_subset(c->isolated, &b.set)) {
		check_set(r, CHECK_PASS, "irqbalance bans the isolated CPUs (%s)", b.source);
		return;
	}
	check_set(r, CHECK_FAIL, "irqbalance runs without banning the isolated CPUs %s",
		  c->isol_list);
	check_remedy(r,
		     "IRQBALANCE_BANNED_CPULIST=%s in /etc/default/irqbalance, then "
		     "systemctl restart irqbalance",
		     c->isol_list);
}
