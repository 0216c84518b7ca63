// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Other tools that move the same things: irqbalance (IRQ affinity), tuned
 * with its cpu-partitioning profile (everything), stalld (boosts starved
 * threads; compatible). Two writers on the same knob fight forever, so when
 * one disagrees with our sets we warn and, by default, leave the knob to it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "housekeeping.h"
#include "procs.h"

#define KNOB "coexist"

struct co_seen {
	pid_t irqbalance, tuned, stalld;
};

/* procs_walk callback: note the daemons we care about by comm. */
static int co_visit(const struct task_info *t, void *arg)
{
	struct co_seen *seen = arg;

	if (task_is_kthread(t))
		return 0;
	if (!strcmp(t->comm, "irqbalance"))
		seen->irqbalance = t->pid;
	else if (!strcmp(t->comm, "tuned"))
		seen->tuned = t->pid;
	else if (!strcmp(t->comm, "stalld"))
		seen->stalld = t->pid;
	return 0;
}

/*
 * The value of KEY=value in a shell-style or ini-style file, quotes removed.
 * The last uncommented assignment wins, as when the shell sources it.
 */
static bool co_var(const char *text, const char *key, char *out, size_t outsz)
{
	size_t kl = strlen(key);
	bool found = false;

	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		size_t n;

		l += strspn(l, " \t");
		if (strncmp(l, key, kl) || (l[kl] != '=' && l[kl] != ' '))
			continue;
		l += kl + strspn(l + kl, " \t=");
		l += *l == '"' || *l == '\'';
		n = strcspn(l, "\"'\n#");
		while (n > 0 && (l[n - 1] == ' ' || l[n - 1] == '\t'))
			n--;
		snprintf(out, outsz, "%.*s", (int)n, l);
		found = true;
	}
	return found;
}

/* Add the CPUs a ban variable names (cpulist or hex mask form) from one file. */
static void co_ban_file(const struct tl_path *p, const char *path, struct cpuset *banned)
{
	char val[4096];
	struct cpuset s;
	char *text = NULL;

	if (hk_io_read(p, path, &text, NULL) < 0)
		return;
	if (co_var(text, "IRQBALANCE_BANNED_CPULIST", val, sizeof(val)) &&
	    cpulist_parse(val, &s, NULL) == 0)
		cpuset_or(banned, banned, &s);
	if (co_var(text, "IRQBALANCE_BANNED_CPUS", val, sizeof(val)) &&
	    cpumask_parse(val, &s, NULL) == 0)
		cpuset_or(banned, banned, &s);
	free(text);
}

/*
 * The CPUs irqbalance leaves alone: its ban lists (Debian and RHEL
 * locations), plus isolcpus and nohz_full CPUs, which irqbalance bans by itself.
 */
int hk_irqbalance_banned(const struct tl_path *p, struct cpuset *banned)
{
	struct cpuset s;

	cpuset_zero(banned);
	co_ban_file(p, "/etc/default/irqbalance", banned);
	co_ban_file(p, "/etc/sysconfig/irqbalance", banned);
	if (tl_path_read_cpulist(p, "/sys/devices/system/cpu/isolated", &s, NULL) == 0)
		cpuset_or(banned, banned, &s);
	if (tl_path_read_cpulist(p, "/sys/devices/system/cpu/nohz_full", &s, NULL) == 0)
		cpuset_or(banned, banned, &s);
	return 0;
}

bool hk_tuned_profile_is_partitioning(const char *active_profile)
{
	char copy[256], *tok, *save = NULL;

	snprintf(copy, sizeof(copy), "%s", active_profile);
	for (tok = strtok_r(copy, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save))
		if (!strcmp(tok, "cpu-partitioning"))
			return true;
	return false;
}

/* Report a conflict, and in refuse mode set the flag that keeps us off the knob. */
static void co_conflict(struct hk_state *s, struct hk_report *r, bool *flag, const char *who,
			const char *msg)
{
	if (s->conf.coexist == HK_COEXIST_REFUSE) {
		*flag = true;
		hk_report_add(r, HK_NOTE_REFUSED, KNOB, who, "%s: not applying, to avoid a fight",
			      msg);
	} else {
		hk_report_add(r, HK_NOTE_WARN, KNOB, who, "%s: applying anyway (coexist = warn)",
			      msg);
	}
}

/* irqbalance that would move IRQs back onto isolated CPUs. */
static void co_irqbalance(struct hk_state *s, struct hk_report *r)
{
	struct cpuset banned;

	hk_irqbalance_banned(s->p, &banned);
	if (!cpuset_subset(&s->isolated, &banned))
		co_conflict(s, r, &s->irq_refused, "irqbalance",
			    "irqbalance runs without banning the isolated CPUs "
			    "(set IRQBALANCE_BANNED_CPULIST, or stop it)");
}

/* tuned's cpu-partitioning with another isolated set than ours. */
static void co_tuned(struct hk_state *s, struct hk_report *r)
{
	char *prof = NULL, *vars = NULL, val[4096] = "";
	struct cpuset theirs;

	if (hk_io_read(s->p, "/etc/tuned/active_profile", &prof, NULL) < 0)
		return;
	if (hk_tuned_profile_is_partitioning(prof)) {
		if (hk_io_read(s->p, "/etc/tuned/cpu-partitioning-variables.conf", &vars, NULL) <
			    0 ||
		    !co_var(vars, "isolated_cores", val, sizeof(val)) ||
		    cpulist_parse(val, &theirs, NULL) < 0)
			co_conflict(s, r, &s->all_refused, "tuned",
				    "tuned's cpu-partitioning profile is active and its "
				    "isolated_cores cannot be read");
		else if (!cpuset_equal(&theirs, &s->isolated))
			co_conflict(s, r, &s->all_refused, "tuned",
				    "tuned's cpu-partitioning isolates other CPUs");
	}
	free(prof);
	free(vars);
}

int hk_coexist_check(struct hk_state *s, struct hk_report *r)
{
	struct co_seen seen = {0};

	procs_walk(s->p, false, co_visit, &seen, NULL);
	if (seen.irqbalance && s->conf.irq_affinity)
		co_irqbalance(s, r);
	if (seen.tuned)
		co_tuned(s, r);
	if (seen.stalld)
		hk_report_add(r, HK_NOTE_INFO, KNOB, "stalld",
			      "stalld runs: it boosts starved threads and does not fight us");
	return 0;
}
