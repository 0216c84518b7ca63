// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel command line: split as the kernel splits it, then the
 * isolation-related parameters read in order, so that the last one wins.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmdline.h"

/* CPUID bit number of X86_FEATURE_INVLPGB (word 13, bit 3) for clearcpuid=. */
#define CL_INVLPGB_BIT "419"

/* Keep a warning for check's evidence; the first few are enough to act on. */
__attribute__((format(printf, 2, 3))) static void cl_warn(struct cmdline *c, const char *fmt, ...)
{
	va_list ap;

	if (c->nwarnings >= (int)(sizeof(c->warnings) / sizeof(c->warnings[0])))
		return;
	va_start(ap, fmt);
	vsnprintf(c->warnings[c->nwarnings++], sizeof(c->warnings[0]), fmt, ap);
	va_end(ap);
}

/* Parameter names compare with '-' and '_' equal, like the kernel's parameq(). */
static bool cl_key_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;

		if (x != y)
			return false;
	}
	return *a == *b;
}

static const char *cl_skip_spaces(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/*
 * Cut one token off args, as the kernel's next_arg() does: a blank outside
 * quotes ends it, the first '=' splits key from value, a quote at the start
 * of the token or of the value is dropped with its closing quote.
 * Returns the rest of the text, blanks skipped.
 */
static char *cl_next_arg(char *args, char **key, char **val)
{
	bool in_quote = false, quoted = false;
	size_t i, equals = 0;

	if (*args == '"') {
		args++;
		in_quote = quoted = true;
	}
	for (i = 0; args[i]; i++) {
		if (isspace((unsigned char)args[i]) && !in_quote)
			break;
		if (equals == 0 && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	*key = args;
	*val = NULL;
	if (equals) {
		args[equals] = '\0';
		*val = args + equals + 1;
		if (**val == '"') {
			(*val)++;
			if (i > 0 && args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';
	if (args[i])
		args[i++] = '\0';
	return (char *)cl_skip_spaces(args + i);
}

/* Split c->buf into c->tokens, stopping at a bare "--" as the kernel does. */
static int cl_tokenise(struct cmdline *c, struct tl_err *e)
{
	char *args = (char *)cl_skip_spaces(c->buf), *key, *val;

	while (*args) {
		args = cl_next_arg(args, &key, &val);
		if (!val && !strcmp(key, "--")) {
			c->init_args = c->raw + (args - c->buf);
			return 0;
		}
		if (c->ntokens >= CMDLINE_MAX_TOKENS)
			return tl_err_set(e, E2BIG, "more than %d parameters", CMDLINE_MAX_TOKENS);
		c->tokens[c->ntokens].key = key;
		c->tokens[c->ntokens].value = val;
		c->ntokens++;
	}
	return 0;
}

/*
 * A cpulist value into *set, or a warning naming the parameter. The kernel
 * refuses an empty list for these parameters too.
 */
static bool cl_cpulist(struct cmdline *c, const char *key, const char *val, struct cpuset *set)
{
	struct tl_err e;

	if (!val || !*cl_skip_spaces(val)) {
		cl_warn(c, "%s: no CPU list given", key);
		return false;
	}
	if (cpulist_parse(val, set, &e) < 0) {
		cl_warn(c, "%s=%s: %s", key, val, e.msg);
		return false;
	}
	return true;
}

static void cl_nohz_full(struct cmdline *c, const char *key, const char *val)
{
	struct cpuset s;

	if (cl_cpulist(c, key, val, &s)) {
		c->has_nohz_full = true;
		c->nohz_full = s;
	}
}

/* Leading "flag," words of isolcpus=; false (with a warning) on an unknown one. */
static bool cl_isolcpus_flags(struct cmdline *c, const char **pp, unsigned int *flags)
{
	static const struct {
		const char *word;
		unsigned int flag;
	} words[] = {
		{"nohz,", ISOL_NOHZ}, {"domain,", ISOL_DOMAIN}, {"managed_irq,", ISOL_MANAGED_IRQ}};
	const char *p = *pp;

	*flags = 0;
	while (isalpha((unsigned char)*p)) {
		size_t i, n = sizeof(words) / sizeof(words[0]);

		for (i = 0; i < n && strncmp(p, words[i].word, strlen(words[i].word)); i++)
			;
		if (i == n) {
			cl_warn(c, "isolcpus=%s: unknown flag at \"%.20s\"", *pp, p);
			return false;
		}
		*flags |= words[i].flag;
		p += strlen(words[i].word);
	}
	*pp = p;
	return true;
}

/* isolcpus=[flag,...,]cpulist; no flag means domain, as in the kernel. */
static void cl_isolcpus(struct cmdline *c, const char *key, const char *val)
{
	const char *list = val;
	unsigned int flags;
	struct cpuset s;

	if (!val) {
		cl_warn(c, "%s: no CPU list given", key);
		return;
	}
	if (!cl_isolcpus_flags(c, &list, &flags) || !cl_cpulist(c, key, list, &s))
		return;
	c->has_isolcpus = true;
	c->isolcpus_flags = flags ? flags : ISOL_DOMAIN;
	c->isolcpus = s;
}

/* rcu_nocbs alone is valid (all CPUs may be offloaded at run time): the set stays empty. */
static void cl_rcu_nocbs(struct cmdline *c, const char *key, const char *val)
{
	struct cpuset s;

	if (!val || !*val) {
		c->has_rcu_nocbs = true;
		cpuset_zero(&c->rcu_nocbs);
		return;
	}
	if (cl_cpulist(c, key, val, &s)) {
		c->has_rcu_nocbs = true;
		c->rcu_nocbs = s;
	}
}

static void cl_rcu_nocb_poll(struct cmdline *c, const char *key, const char *val)
{
	c->rcu_nocb_poll = true;
}

static void cl_irqaffinity(struct cmdline *c, const char *key, const char *val)
{
	struct cpuset s;

	if (cl_cpulist(c, key, val, &s)) {
		c->has_irqaffinity = true;
		c->irqaffinity = s;
	}
}

static void cl_pti(struct cmdline *c, const char *key, const char *val)
{
	if (val && !strcmp(val, "on"))
		c->pti = PTI_FORCE_ON;
	else if (val && !strcmp(val, "off"))
		c->pti = PTI_FORCE_OFF;
	else if (val && !strcmp(val, "auto"))
		c->pti = PTI_AUTO;
	else
		cl_warn(c, "pti=%s: expected on, off or auto", val ? val : "");
}

static void cl_nopti(struct cmdline *c, const char *key, const char *val)
{
	c->pti = PTI_FORCE_OFF;
}

/* Only "off" turns mitigations off; "auto,nosmt" and friends keep them. */
static void cl_mitigations(struct cmdline *c, const char *key, const char *val)
{
	c->mitigations_off = val && !strcmp(val, "off");
}

/* Is INVLPGB among the cleared bits: by number (13*32+3) or by name. */
static bool cl_clears_invlpgb(const char *val)
{
	const char *p = val;

	while (*p) {
		size_t n = strcspn(p, ",");

		if ((n == 3 && !strncmp(p, CL_INVLPGB_BIT, 3)) ||
		    (n == 7 && !strncasecmp(p, "invlpgb", 7)))
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

static void cl_clearcpuid(struct cmdline *c, const char *key, const char *val)
{
	if (!val) {
		cl_warn(c, "clearcpuid: no bit given");
		return;
	}
	if (strlen(val) >= sizeof(c->clearcpuid))
		cl_warn(c, "clearcpuid: value longer than %zu bytes, kept truncated",
			sizeof(c->clearcpuid) - 1);
	c->has_clearcpuid = true;
	snprintf(c->clearcpuid, sizeof(c->clearcpuid), "%s", val);
	c->clearcpuid_invlpgb = cl_clears_invlpgb(val);
}

static const struct {
	const char *key;
	void (*fn)(struct cmdline *c, const char *key, const char *val);
} cl_params[] = {
	{"nohz_full", cl_nohz_full},
	{"isolcpus", cl_isolcpus},
	{"rcu_nocbs", cl_rcu_nocbs},
	{"rcu_nocb_poll", cl_rcu_nocb_poll},
	{"irqaffinity", cl_irqaffinity},
	{"pti", cl_pti},
	{"nopti", cl_nopti},
	{"mitigations", cl_mitigations},
	{"clearcpuid", cl_clearcpuid},
};

/* Read the parameters in order: each occurrence overrides the one before. */
static void cl_interpret(struct cmdline *c)
{
	for (int i = 0; i < c->ntokens; i++) {
		const struct cmdline_token *t = &c->tokens[i];

		for (size_t j = 0; j < sizeof(cl_params) / sizeof(cl_params[0]); j++)
			if (cl_key_eq(t->key, cl_params[j].key))
				cl_params[j].fn(c, t->key, t->value);
	}
	if (c->pti == PTI_DEFAULT && c->mitigations_off)
		c->pti = PTI_FORCE_OFF;
}

int cmdline_parse(struct cmdline *c, const char *text, struct tl_err *e)
{
	size_t len = strlen(text);
	int r;

	memset(c, 0, sizeof(*c));
	if (len >= CMDLINE_MAX)
		return tl_err_set(e, E2BIG, "command line of %zu bytes, more than %d", len,
				  CMDLINE_MAX - 1);
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	memcpy(c->raw, text, len);
	memcpy(c->buf, text, len);
	r = cl_tokenise(c, e);
	if (r < 0)
		return r;
	cl_interpret(c);
	return 0;
}

int cmdline_read(struct cmdline *c, const struct tl_path *p, struct tl_err *e)
{
	char text[CMDLINE_MAX];
	int r;

	r = tl_path_read_line(p, "/proc/cmdline", text, sizeof(text), e);
	if (r < 0)
		return r;
	r = cmdline_parse(c, text, e);
	if (r < 0)
		tl_err_prefix(e, "/proc/cmdline: ");
	return r;
}

const char *cmdline_get(const struct cmdline *c, const char *key)
{
	for (int i = c->ntokens - 1; i >= 0; i--)
		if (cl_key_eq(c->tokens[i].key, key))
			return c->tokens[i].value ? c->tokens[i].value : "";
	return NULL;
}

int cmdline_count(const struct cmdline *c, const char *key)
{
	int n = 0;

	for (int i = 0; i < c->ntokens; i++)
		n += cl_key_eq(c->tokens[i].key, key);
	return n;
}
