/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's workload rules: the `workloads` list of the config file.
 * Each rule names the processes it matches (by comm or cmdline regex, by
 * cgroup path prefix or by systemd unit) and what to apply to them: CPUs,
 * how threads spread over them, the scheduling policy and the NUMA policy.
 * Parsing validates everything up front and reports every problem as
 * file:line with the allowed values, like the rest of the config.
 */
#ifndef TLBISO_WORKLOAD_CONF_H
#define TLBISO_WORKLOAD_CONF_H

#include <libconfig.h>
#include <regex.h>
#include <stdbool.h>

#include "conf.h"
#include "cpuset.h"

#define WL_NAME_MAX    64
#define WL_PATTERN_MAX 256
#define WL_RULES_MAX   64

enum wl_match_kind { WL_MATCH_COMM, WL_MATCH_CMDLINE, WL_MATCH_CGROUP, WL_MATCH_UNIT };
enum wl_threads { WL_THREADS_ALL, WL_THREADS_SPREAD };
/* WL_POLICY_KEEP: the rule sets no policy, the process keeps its own. */
enum wl_policy { WL_POLICY_KEEP, WL_POLICY_OTHER, WL_POLICY_FIFO, WL_POLICY_RR };
enum wl_numa { WL_NUMA_NONE, WL_NUMA_LOCAL, WL_NUMA_NODE, WL_NUMA_INTERLEAVE };

struct workload_rule {
	char name[WL_NAME_MAX];
	int line; /* of the rule in the config file */
	enum wl_match_kind kind;
	char pattern[WL_PATTERN_MAX]; /* regex, cgroup prefix or unit name */
	regex_t re;		      /* when kind is comm or cmdline */
	bool re_compiled;
	struct cpuset cpus;
	enum wl_threads threads;
	enum wl_policy policy;
	int priority; /* 1..99 for fifo and rr, 0 otherwise */
	enum wl_numa numa;
	int node; /* for WL_NUMA_NODE */
};

struct workload_rules {
	int n;
	struct workload_rule *rules; /* heap, n entries */
};

/*
 * Parse the `workloads` list (list may be NULL: no rules). Returns 0, or
 * -EINVAL with every problem added to probs; out is then empty. Free with
 * workload_rules_free() in both cases.
 */
int workload_conf_parse(const config_setting_t *list, struct workload_rules *out,
			struct conf_problems *probs);
void workload_rules_free(struct workload_rules *r);

const char *wl_match_kind_name(enum wl_match_kind k);
const char *wl_threads_name(enum wl_threads t);
const char *wl_policy_name(enum wl_policy p);
const char *wl_numa_name(enum wl_numa n);

#endif
