// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <string.h>

#include "hk-conf.h"

static const char *const hk_keys[] = {
	"apply",
	"irq_affinity",
	"workqueue_cpumask",
	"kthreads",
	"watchdog_cpumask",
	"stat_interval",
	"stat_interval_value",
	"timer_migration",
	"rt_runtime_us",
	"rt_runtime_us_value",
	"cpuset_partition",
	"coexist",
	NULL,
};

/* A boolean key; absent keeps the default. */
static void hk_bool(const config_setting_t *g, const char *key, bool *out,
		    struct conf_problems *probs)
{
	config_setting_t *m = config_setting_get_member(g, key);

	if (!m)
		return;
	if (config_setting_type(m) != CONFIG_TYPE_BOOL)
		conf_problem_add(probs, config_setting_source_line(m),
				 "housekeeping.%s: expected true or false", key);
	else
		*out = config_setting_get_bool(m);
}

/* An integer key in min..max; absent keeps the default. */
static void hk_int(const config_setting_t *g, const char *key, long long min, long long max,
		   int *out, struct conf_problems *probs)
{
	config_setting_t *m = config_setting_get_member(g, key);
	long long v;

	if (!m)
		return;
	if (config_setting_type(m) != CONFIG_TYPE_INT &&
	    config_setting_type(m) != CONFIG_TYPE_INT64) {
		conf_problem_add(probs, config_setting_source_line(m),
				 "housekeeping.%s: expected an integer in %lld..%lld", key, min,
				 max);
		return;
	}
	v = config_setting_get_int64(m);
	if (v < min || v > max)
		conf_problem_add(probs, config_setting_source_line(m),
				 "housekeeping.%s = %lld is out of range: allowed %lld..%lld", key,
				 v, min, max);
	else
		*out = (int)v;
}

/* coexist = "refuse" | "warn". */
static void hk_coexist(const config_setting_t *g, enum hk_coexist *out, struct conf_problems *probs)
{
	config_setting_t *m = config_setting_get_member(g, "coexist");
	const char *v;

	if (!m)
		return;
	v = config_setting_get_string(m);
	if (v && !strcmp(v, "refuse"))
		*out = HK_COEXIST_REFUSE;
	else if (v && !strcmp(v, "warn"))
		*out = HK_COEXIST_WARN;
	else
		conf_problem_add(probs, config_setting_source_line(m),
				 "housekeeping.coexist: expected \"refuse\" or \"warn\"");
}

int hk_conf_parse(const config_setting_t *section, struct hk_config *out,
		  struct conf_problems *probs)
{
	int before = probs->n + probs->dropped;

	hk_config_defaults(out);
	if (!section)
		return 0;
	if (!config_setting_is_group(section)) {
		conf_problem_add(probs, config_setting_source_line(section),
				 "housekeeping: expected a group { ... }");
		return -EINVAL;
	}
	conf_check_unknown(section, hk_keys, probs);
	hk_bool(section, "apply", &out->apply, probs);
	hk_bool(section, "irq_affinity", &out->irq_affinity, probs);
	hk_bool(section, "workqueue_cpumask", &out->workqueue_cpumask, probs);
	hk_bool(section, "kthreads", &out->kthreads, probs);
	hk_bool(section, "watchdog_cpumask", &out->watchdog_cpumask, probs);
	hk_bool(section, "stat_interval", &out->stat_interval, probs);
	hk_int(section, "stat_interval_value", 1, 3600, &out->stat_interval_s, probs);
	hk_bool(section, "timer_migration", &out->timer_migration, probs);
	hk_bool(section, "rt_runtime_us", &out->rt_runtime_us, probs);
	hk_int(section, "rt_runtime_us_value", -1, 1000000, &out->rt_runtime_us_value, probs);
	hk_bool(section, "cpuset_partition", &out->cpuset_partition, probs);
	hk_coexist(section, &out->coexist, probs);
	return probs->n + probs->dropped > before ? -EINVAL : 0;
}
