/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel command line, split the way the kernel splits it (spaces,
 * double quotes), and the isolation-related parameters it carries.
 * When a parameter is given twice, the last one wins, as in the kernel.
 *
 * Tokens follow the kernel's next_arg(): blanks separate, double quotes
 * group (and are removed), and a bare "--" ends the kernel's parameters:
 * what follows is for init and is not tokenised. Parameter names match with
 * '-' and '_' equal, as the kernel's parameq() does.
 *
 * PTI: an explicit pti=on|off|auto or nopti decides (the last one wins);
 * without one, mitigations=off means PTI_FORCE_OFF. Any other mitigations=
 * value (auto, "auto,nosmt") leaves PTI to the kernel.
 *
 * A malformed value (a bad cpulist, an isolcpus flag with characters other
 * than letters and '_', pti=maybe) is recorded in warnings[] and that
 * occurrence is ignored, as the kernel ignores it; an earlier valid
 * occurrence then still holds. An unknown isolcpus flag of letters is
 * skipped with a warning, as current kernels skip it.
 *
 * Repeats: the fields hold the last valid occurrence. For nohz_full= and
 * isolcpus= the kernel is subtler (housekeeping_setup() in
 * kernel/sched/isolation.c merges the flags of repeats and refuses a CPU
 * list that differs from the first), so a repeat with another value also
 * adds a warning: check can show both.
 */
#ifndef TLBISO_CMDLINE_H
#define TLBISO_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "cpuset.h"
#include "err.h"
#include "path.h"

#define CMDLINE_MAX	   4096
#define CMDLINE_MAX_TOKENS 512

/* isolcpus= flags; no flag given means ISOL_DOMAIN, as in the kernel. */
enum {
	ISOL_DOMAIN = 1 << 0,
	ISOL_NOHZ = 1 << 1,
	ISOL_MANAGED_IRQ = 1 << 2,
};

enum pti_mode {
	PTI_DEFAULT,   /* nothing said: the kernel decides (auto) */
	PTI_FORCE_ON,  /* pti=on */
	PTI_FORCE_OFF, /* pti=off, nopti, or mitigations=off */
	PTI_AUTO,      /* pti=auto */
};

struct cmdline_token {
	const char *key;   /* points into cmdline.buf */
	const char *value; /* NULL when the token has no '=' */
};

struct cmdline {
	char raw[CMDLINE_MAX]; /* the text as read, trailing newline removed */
	char buf[CMDLINE_MAX]; /* tokens point in here */
	int ntokens;
	struct cmdline_token tokens[CMDLINE_MAX_TOKENS];

	bool has_nohz_full;
	struct cpuset nohz_full;
	bool has_isolcpus;
	unsigned int isolcpus_flags;
	struct cpuset isolcpus;
	bool has_rcu_nocbs;
	struct cpuset rcu_nocbs; /* empty when given without a list */
	bool rcu_nocb_poll;
	bool has_irqaffinity;
	struct cpuset irqaffinity;
	enum pti_mode pti;
	bool mitigations_off;
	bool has_clearcpuid;
	char clearcpuid[256];	 /* the raw value of the last clearcpuid= */
	bool clearcpuid_invlpgb; /* 419 (13*32+3) or "invlpgb" among the cleared bits */
	int nwarnings;
	char warnings[8][160]; /* parameters that did not parse, kept for check's evidence */
	const char *init_args; /* text after "--" in raw (for init), or NULL */
};

/*
 * Parse text; malformed isolation values are recorded as warnings, not
 * errors. Errors: text of CMDLINE_MAX bytes or more, more than
 * CMDLINE_MAX_TOKENS parameters.
 */
int cmdline_parse(struct cmdline *c, const char *text, struct tl_err *e);

/* Read /proc/cmdline under the path context. */
int cmdline_read(struct cmdline *c, const struct tl_path *p, struct tl_err *e);

/* Value of the last token named key; NULL if absent; "" when present without '='. */
const char *cmdline_get(const struct cmdline *c, const char *key);

/* Number of tokens named key (to spot duplicates). */
int cmdline_count(const struct cmdline *c, const char *key);

#endif
