// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Checks of the kernel command line and of the isolation sysfs files that
 * show what the kernel made of it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "check-impl.h"

/* The parser's warnings about key ("nohz_full=1-x: ..."), from index *i on; NULL at the end. */
static const char *param_warning_next(const struct check_ctx *c, const char *key, int *i)
{
	const struct cmdline *cl = &c->f->cmdline;
	size_t kl = strlen(key);

	for (; *i < cl->nwarnings; (*i)++) {
		const char *w = cl->warnings[*i];

		if (!strncmp(w, key, kl) && (w[kl] == '=' || w[kl] == ':')) {
			(*i)++;
			return w;
		}
	}
	return NULL;
}

/* The first parse warning about key, or NULL. */
static const char *param_warning(const struct check_ctx *c, const char *key)
{
	int i = 0;

	return param_warning_next(c, key, &i);
}

/* The raw value of the last token named key, and what the parser warned about it. */
static void ev_param(struct check_result *r, const struct check_ctx *c, const char *key)
{
	json_object *list = json_object_new_array();
	const char *w;
	int i = 0;

	ev_str(r, key, cmdline_get(&c->f->cmdline, key));
	ev_int(r, "occurrences", cmdline_count(&c->f->cmdline, key));
	while ((w = param_warning_next(c, key, &i)))
		json_object_array_add(list, json_object_new_string(w));
	ev_obj(r, "parse_warnings", list);
}

/* nohz_full must exist, leave the boot CPU alone and cover the isolated set. */
static void chk_nohz_full(struct check_ctx *c, struct check_result *r)
{
	const struct cmdline *cl = &c->f->cmdline;
	char nz[256], ic[256];
	struct cpuset fixed;

	ev_param(r, c, "nohz_full");
	ev_str(r, "isolcpus", cmdline_get(cl, "isolcpus"));
	if (check_need_isolated(c, r))
		return;
	if ((!cl->has_nohz_full || cpuset_empty(&cl->nohz_full)) && param_warning(c, "nohz_full")) {
		check_set(r, CHECK_FAIL, "the kernel ignores %s", param_warning(c, "nohz_full"));
		check_remedy(r, "nohz_full=%s", c->isol_list);
		return;
	}
	if (!cl->has_nohz_full || cpuset_empty(&cl->nohz_full)) {
		check_set(r, CHECK_FAIL, "nohz_full= is not on the kernel command line");
		check_remedy(r, "nohz_full=%s", c->isol_list);
		return;
	}
	cpus_str(&cl->nohz_full, nz, sizeof(nz));
	if (cpuset_isset(&cl->nohz_full, 0)) {
		cpuset_andnot(&fixed, &cl->nohz_full, c->housekeeping);
		cpuset_clear(&fixed, 0);
		check_set(r, CHECK_FAIL, "boot CPU 0 is in nohz_full=%s: it must stay housekeeping",
			  nz);
		check_remedy(r, "nohz_full=%s", cpus_str(&fixed, ic, sizeof(ic)));
		return;
	}
	if (!cpuset_subset(c->isolated, &cl->nohz_full)) {
		check_set(r, CHECK_FAIL, "nohz_full=%s does not cover the isolated CPUs %s", nz,
			  c->isol_list);
		check_remedy(r, "nohz_full=%s", c->isol_list);
		return;
	}
	if (cl->has_isolcpus && !cpuset_equal(&cl->nohz_full, &cl->isolcpus)) {
		check_set(r, CHECK_WARN, "nohz_full=%s differs from isolcpus=%s", nz,
			  cpus_str(&cl->isolcpus, ic, sizeof(ic)));
		check_remedy(r, "nohz_full=%s isolcpus=managed_irq,domain,%s", c->isol_list,
			     c->isol_list);
		return;
	}
	if (param_warning(c, "nohz_full")) {
		check_set(r, CHECK_WARN, "%s", param_warning(c, "nohz_full"));
		check_remedy(r, "nohz_full=%s, given once", c->isol_list);
		return;
	}
	check_set(r, CHECK_PASS, "nohz_full=%s covers the isolated CPUs", nz);
}

/* isolcpus flags as the kernel spells them, for evidence and remedies. */
static json_object *isolcpus_flags_json(unsigned int flags)
{
	json_object *a = json_object_new_array();

	if (flags & ISOL_NOHZ)
		json_object_array_add(a, json_object_new_string("nohz"));
	if (flags & ISOL_DOMAIN)
		json_object_array_add(a, json_object_new_string("domain"));
	if (flags & ISOL_MANAGED_IRQ)
		json_object_array_add(a, json_object_new_string("managed_irq"));
	return a;
}

/* Append a problem to a "; "-separated summary. */
static void add_problem(char *buf, size_t sz, const char *what)
{
	size_t n = strlen(buf);

	snprintf(buf + n, sz - n, "%s%s", n ? "; " : "", what);
}

/* isolcpus: present, covering, with domain and managed_irq, given once. */
static void chk_isolcpus(struct check_ctx *c, struct check_result *r)
{
	const struct cmdline *cl = &c->f->cmdline;
	char probs[1024] = "", tmp[600], list[256];
	int count = cmdline_count(cl, "isolcpus");
	const char *w;

	ev_param(r, c, "isolcpus");
	ev_obj(r, "flags", isolcpus_flags_json(cl->isolcpus_flags));
	if (check_need_isolated(c, r))
		return;
	check_remedy(r, "isolcpus=%smanaged_irq,domain,%s",
		     cl->has_isolcpus && (cl->isolcpus_flags & ISOL_NOHZ) ? "nohz," : "",
		     c->isol_list);
	if (!cl->has_isolcpus && param_warning(c, "isolcpus")) {
		check_set(r, CHECK_WARN, "the kernel ignores %s", param_warning(c, "isolcpus"));
		return;
	}
	if (!cl->has_isolcpus) {
		check_set(r, CHECK_WARN,
			  "isolcpus= is not on the kernel command line: the scheduler "
			  "and managed IRQs may use the isolated CPUs");
		return;
	}
	/* Repeats (the kernel merges flags, refuses another list) and skipped flags. */
	for (int i = 0; (w = param_warning_next(c, "isolcpus", &i));)
		add_problem(probs, sizeof(probs), w);
	if (count > 1 && !strstr(probs, "given again")) {
		snprintf(tmp, sizeof(tmp), "given %d times", count);
		add_problem(probs, sizeof(probs), tmp);
	}
	if (!cpuset_subset(c->isolated, &cl->isolcpus)) {
		snprintf(tmp, sizeof(tmp), "%s does not cover the isolated CPUs %s",
			 cpus_str(&cl->isolcpus, list, sizeof(list)), c->isol_list);
		add_problem(probs, sizeof(probs), tmp);
	}
	if (!(cl->isolcpus_flags & ISOL_MANAGED_IRQ))
		add_problem(probs, sizeof(probs),
			    "no managed_irq flag: kernel-managed queue IRQs may "
			    "target isolated CPUs");
	if (!(cl->isolcpus_flags & ISOL_DOMAIN))
		add_problem(probs, sizeof(probs),
			    "no domain flag: the CPUs stay in load balancing");
	if (probs[0]) {
		check_set(r, CHECK_WARN, "isolcpus: %s", probs);
		return;
	}
	r->remedy[0] = '\0';
	check_set(r, CHECK_PASS, "isolcpus=%s with domain and managed_irq",
		  cmdline_get(cl, "isolcpus"));
}

/* RCU callbacks off the isolated CPUs: rcu_nocbs=, or implied by nohz_full. */
static void chk_rcu_nocbs(struct check_ctx *c, struct check_result *r)
{
	const struct cmdline *cl = &c->f->cmdline;
	const struct cpuset *nohz = check_nohz_full(c);
	const struct kconfig *k = &c->f->kconfig;

	ev_param(r, c, "rcu_nocbs");
	ev_bool(r, "rcu_nocb_poll", cl->rcu_nocb_poll);
	ev_str(r, "CONFIG_RCU_NOCB_CPU", kconfig_get(k, "RCU_NOCB_CPU"));
	if (check_need_isolated(c, r))
		return;
	if (cl->has_rcu_nocbs && cpuset_subset(c->isolated, &cl->rcu_nocbs)) {
		check_set(r, CHECK_PASS, "RCU callbacks are offloaded from %s (rcu_nocbs=)",
			  c->isol_list);
		return;
	}
	if (nohz && cpuset_subset(c->isolated, nohz) && kconfig_enabled(k, "RCU_NOCB_CPU")) {
		check_set(r, CHECK_PASS,
			  "RCU callbacks are offloaded from %s (implied by nohz_full)",
			  c->isol_list);
		return;
	}
	check_set(r, CHECK_WARN, "RCU callbacks may run on the isolated CPUs %s", c->isol_list);
	check_remedy(r, "rcu_nocbs=%s", c->isol_list);
}

/* Default IRQ affinity at boot: irqaffinity= naming housekeeping CPUs only. */
static void chk_irqaffinity(struct check_ctx *c, struct check_result *r)
{
	const struct cmdline *cl = &c->f->cmdline;
	struct cpuset def;
	char buf[256];

	ev_param(r, c, "irqaffinity");
	if (check_need_isolated(c, r))
		return;
	if (cl->has_irqaffinity && cpuset_intersects(&cl->irqaffinity, c->isolated)) {
		check_set(r, CHECK_FAIL, "irqaffinity=%s includes isolated CPUs",
			  cpus_str(&cl->irqaffinity, buf, sizeof(buf)));
		check_remedy(r, "irqaffinity=%s", c->hk_list);
		return;
	}
	if (cl->has_irqaffinity) {
		check_set(r, CHECK_PASS, "irqaffinity=%s keeps new IRQs on housekeeping CPUs",
			  cpus_str(&cl->irqaffinity, buf, sizeof(buf)));
		return;
	}
	if (irqinfo_default_affinity(c->p, &def, NULL) == 0 &&
	    !cpuset_intersects(&def, c->isolated)) {
		ev_cpus(r, "default_smp_affinity", &def);
		check_set(r, CHECK_PASS,
			  "irqaffinity= not given, but the default IRQ affinity %s "
			  "already excludes the isolated CPUs",
			  cpus_str(&def, buf, sizeof(buf)));
		return;
	}
	check_set(r, CHECK_WARN,
		  "irqaffinity= is not given: IRQs set up at boot may target "
		  "isolated CPUs");
	check_remedy(r, "irqaffinity=%s", c->hk_list);
}

/* What the kernel made of nohz_full=: /sys/devices/system/cpu/nohz_full. */
static void chk_sysfs_nohz_full(struct check_ctx *c, struct check_result *r)
{
	const struct tl_facts *f = c->f;
	char buf[256];

	ev_bool(r, "present", f->has_sysfs_nohz_full);
	if (f->has_sysfs_nohz_full)
		ev_cpus(r, "nohz_full", &f->sysfs_nohz_full);
	if (check_need_isolated(c, r))
		return;
	if (!f->has_sysfs_nohz_full) {
		check_set(r, CHECK_FAIL,
			  "/sys/devices/system/cpu/nohz_full is absent: the kernel "
			  "has no CONFIG_NO_HZ_FULL");
		check_remedy(
			r, "run a kernel built with CONFIG_NO_HZ_FULL=y and boot with nohz_full=%s",
			c->isol_list);
		return;
	}
	if (!cpuset_subset(c->isolated, &f->sysfs_nohz_full)) {
		check_set(r, CHECK_FAIL, "the kernel's nohz_full set \"%s\" does not cover %s",
			  cpus_str(&f->sysfs_nohz_full, buf, sizeof(buf)), c->isol_list);
		check_remedy(r, "nohz_full=%s", c->isol_list);
		return;
	}
	check_set(r, CHECK_PASS, "the kernel runs %s tickless (nohz_full)", c->isol_list);
}

/* What the kernel made of isolcpus=: /sys/devices/system/cpu/isolated. */
static void chk_sysfs_isolated(struct check_ctx *c, struct check_result *r)
{
	const struct tl_facts *f = c->f;
	char buf[256];

	ev_bool(r, "present", f->has_sysfs_isolated);
	if (f->has_sysfs_isolated)
		ev_cpus(r, "isolated", &f->sysfs_isolated);
	if (check_need_isolated(c, r))
		return;
	if (f->has_sysfs_isolated && cpuset_subset(c->isolated, &f->sysfs_isolated)) {
		check_set(r, CHECK_PASS, "the kernel keeps %s out of scheduler domains",
			  c->isol_list);
		return;
	}
	check_set(r, CHECK_WARN, "the kernel's isolated set \"%s\" does not cover %s",
		  f->has_sysfs_isolated ? cpus_str(&f->sysfs_isolated, buf, sizeof(buf)) : "absent",
		  c->isol_list);
	check_remedy(r, "isolcpus=managed_irq,domain,%s", c->isol_list);
}

const struct check_def check_defs_cmdline[] = {
	{"cmdline.nohz_full", chk_nohz_full, false},
	{"cmdline.isolcpus", chk_isolcpus, false},
	{"cmdline.rcu_nocbs", chk_rcu_nocbs, false},
	{"cmdline.irqaffinity", chk_irqaffinity, false},
	{"sysfs.nohz_full", chk_sysfs_nohz_full, false},
	{"sysfs.isolated", chk_sysfs_isolated, false},
	{NULL, NULL, false},
};
