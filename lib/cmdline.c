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

#include "buf.h"
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

/* The kernel separates parameters with any isspace() byte, not just spaces. */
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

/*
 * A repeat of nohz_full= or isolcpus= that says something else. The kernel
 * does not simply take the last one: housekeeping_setup() merges the flags
 * and refuses a CPU list that differs from the one already set
 * (kernel/sched/isolation.c). This struct reports the last occurrence, as
 * its contract says, and the warning tells check that the two disagree.
 */
static void cl_warn_repeat(struct cmdline *c, const char *key, bool differs)
{
	if (differs)
		cl_warn(c,
			"%s= given again with another value: the last is read here, but the "
			"kernel merges flags and refuses a different CPU list",
			key);
}

/* nohz_full=<cpulist>: the CPUs whose tick stops, the heart of the isolated set. */
static void cl_nohz_full(struct cmdline *c, const char *key, const char *val)
{
	struct cpuset s;

	if (!cl_cpulist(c, key, val, &s))
		return;
	cl_warn_repeat(c, "nohz_full", c->has_nohz_full && !cpuset_equal(&s, &c->nohz_full));
	c->has_nohz_full = true;
	c->nohz_full = s;
}

/* Length of an isolcpus flag word, and whether it holds only letters and '_'. */
static size_t cl_flag_word(const char *p, bool *legal)
{
	size_t n = strcspn(p, ",");

	*legal = true;
	for (size_t i = 0; i < n; i++)
		if (!isalpha((unsigned char)p[i]) && p[i] != '_')
			*legal = false;
	return n;
}

/*
 * Leading "flag," words of isolcpus=, read as current kernels do: a known
 * flag sets its bit, an unknown word of letters and '_' is skipped (with a
 * warning here), anything else makes the kernel ignore the parameter.
 */
static bool cl_isolcpus_flags(struct cmdline *c, const char **pp, unsigned int *flags)
{
	static const struct {
		const char *word;
		unsigned int flag;
	} words[] = {
		{"nohz", ISOL_NOHZ}, {"domain", ISOL_DOMAIN}, {"managed_irq", ISOL_MANAGED_IRQ}};
	const char *p = *pp;
	size_t i, n, nw = sizeof(words) / sizeof(words[0]);
	bool legal;

	*flags = 0;
	while (isalpha((unsigned char)*p)) {
		n = cl_flag_word(p, &legal);
		for (i = 0;
		     i < nw && !(strlen(words[i].word) == n && !strncmp(p, words[i].word, n)); i++)
			;
		if (!legal || p[n] != ',') {
			cl_warn(c, "isolcpus=%s: %s \"%.*s\"", *pp,
				legal ? "no CPU list after flag" : "invalid flag", (int)n, p);
			return false;
		}
		if (i == nw)
			cl_warn(c, "isolcpus=%s: unknown flag \"%.*s\" skipped", *pp, (int)n, p);
		else
			*flags |= words[i].flag;
		p += n + 1;
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
	flags = flags ? flags : ISOL_DOMAIN;
	cl_warn_repeat(c, "isolcpus",
		       c->has_isolcpus &&
			       (flags != c->isolcpus_flags || !cpuset_equal(&s, &c->isolcpus)));
	c->has_isolcpus = true;
	c->isolcpus_flags = flags;
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

/* rcu_nocb_poll: offload kthreads poll instead of being woken (no wake-up IPIs). */
static void cl_rcu_nocb_poll(struct cmdline *c, const char *key, const char *val)
{
	c->rcu_nocb_poll = true;
}

/* irqaffinity=<cpulist>: where new IRQs go by default; check compares it to housekeeping. */
static void cl_irqaffinity(struct cmdline *c, const char *key, const char *val)
{
	struct cpuset s;

	if (cl_cpulist(c, key, val, &s)) {
		c->has_irqaffinity = true;
		c->irqaffinity = s;
	}
}

/* pti=on|off|auto; anything else is refused by the kernel, so only warned about. */
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

/* nopti: the old spelling of pti=off. */
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

/* clearcpuid=<bits>: kept raw for evidence; INVLPGB among them defeats deferral. */
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
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	if (len >= CMDLINE_MAX)
		return tl_err_set(e, E2BIG, "command line of %zu bytes, more than %d", len,
				  CMDLINE_MAX - 1);
	memcpy(c->raw, text, len);
	memcpy(c->buf, text, len);
	r = cl_tokenise(c, e);
	if (r < 0)
		return r;
	cl_interpret(c);
	return 0;
}

/*
 * Read the whole file rather than a line of fixed size, so that a command
 * line longer than CMDLINE_MAX is refused instead of silently cut short.
 */
int cmdline_read(struct cmdline *c, const struct tl_path *p, struct tl_err *e)
{
	struct tl_buf b = {0};
	int r;

	r = tl_path_read_buf(p, "/proc/cmdline", &b, e);
	if (r < 0)
		return r;
	if (strlen(b.data) != b.len)
		r = tl_err_set(e, EINVAL, "NUL byte in the text");
	else
		r = cmdline_parse(c, b.data, e);
	if (r < 0)
		tl_err_prefix(e, "/proc/cmdline: ");
	tl_buf_free(&b);
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
