// SPDX-License-Identifier: GPL-2.0-or-later
/* Alert rules and their state machine; see alert.h. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "alert.h"

static const char *const type_names[AL_TYPE_COUNT] = {
	"tlb_shootdown", "kernel_tlb_flush", "ipi_other",	   "tick",
	"device_irq",	 "regression",	     "deferral_regressed", "intruder",
};

/* A rule over one classified channel, judged against the threshold of one source. */
struct alert_rule {
	enum alert_type type;
	enum cls_channel ch;
	enum tl_source src;
	enum alert_severity sev;
	const char *remedy;
};

static const struct alert_rule rules[CH_COUNT] = {
	{AL_TLB_SHOOTDOWN, CH_TLB_SHOOTDOWN, SRC_TLB, SEV_WARNING,
	 "user-mm TLB shootdowns: another thread of the process on this CPU changes its mappings "
	 "(munmap, mprotect, madvise); keep those calls off the isolated threads' address space, "
	 "or name the sender with 'tlbisoctl trace --cpus CPU'"},
	{AL_KERNEL_TLB_FLUSH, CH_KERNEL_FLUSH, SRC_CAL, SEV_WARNING,
	 "kernel-range TLB flushes (vmalloc) reach the isolated CPUs: enable CONFIG_COALESCE_TLBI "
	 "(with PTI and nohz_full), or use a CPU with INVLPGB"},
	{AL_IPI_OTHER, CH_IPI_CAL, SRC_CAL, SEV_WARNING,
	 "function-call IPIs reach the isolated CPUs: name the sender with "
	 "'tlbisoctl trace --cpus CPU'"},
	{AL_IPI_OTHER, CH_IPI_RES, SRC_RES, SEV_WARNING,
	 "rescheduling IPIs: tasks are woken on the isolated CPUs; keep one task per CPU and "
	 "check the affinity of kernel threads"},
	{AL_IPI_OTHER, CH_IPI_IWI, SRC_IWI, SEV_WARNING,
	 "irq_work IPIs (perf, printk, RCU): stop perf events on the isolated CPUs, and check "
	 "rcu_nocbs="},
	{AL_TICK, CH_TICK, SRC_LOC, SEV_NOTICE,
	 "the tick runs on a nohz_full CPU: run exactly one task there, and keep timers and "
	 "rcu callbacks off it (rcu_nocbs=)"},
	{AL_DEVICE_IRQ, CH_DEVICE_IRQ, SRC_IRQ, SEV_WARNING,
	 "device IRQs reach the isolated CPUs: set irqaffinity= and isolcpus=managed_irq, or write "
	 "a housekeeping mask to /proc/irq/N/smp_affinity"},
};

/* Slot numbers after the channel rules. */
#define SLOT_REGRESSION(src) (CH_COUNT + (src))
#define SLOT_DEFERRAL_RATE   (CH_COUNT + SRC_COUNT)
#define SLOT_DEFERRAL_STATE  (CH_COUNT + SRC_COUNT + 1)
#define SLOT_INTRUDER	     (CH_COUNT + SRC_COUNT + 2)

const char *alert_type_name(enum alert_type t)
{
	return t >= 0 && t < AL_TYPE_COUNT ? type_names[t] : "?";
}

const char *alert_severity_name(enum alert_severity s)
{
	return s == SEV_CRITICAL ? "critical" : s == SEV_WARNING ? "warning" : "notice";
}

const char *alert_source_name(int source)
{
	if (source == ALERT_SOURCE_TASK)
		return "task";
	return source == ALERT_SOURCE_STATE ? "state" : tl_source_name(source);
}

/* Fill the fixed identity of every slot: type, source, severity, default remedy. */
void alert_engine_init(struct alert_engine *ae)
{
	memset(ae, 0, sizeof(*ae));
	for (int i = 0; i < CH_COUNT; i++) {
		ae->slot[i].type = rules[i].type;
		ae->slot[i].source = rules[i].src;
		ae->slot[i].severity = rules[i].sev;
		snprintf(ae->slot[i].remedy, sizeof(ae->slot[i].remedy), "%s", rules[i].remedy);
	}
	for (int s = 0; s < SRC_COUNT; s++) {
		struct alert *a = &ae->slot[SLOT_REGRESSION(s)];

		a->type = AL_REGRESSION;
		a->source = s;
		a->severity = SEV_WARNING;
		snprintf(a->remedy, sizeof(a->remedy),
			 "%s interrupts rose well above the baseline learnt at start: compare with "
			 "what changed (kernel, workload, tuning)",
			 tl_source_name(s));
	}
	ae->slot[SLOT_DEFERRAL_RATE].type = AL_DEFERRAL_REGRESSED;
	ae->slot[SLOT_DEFERRAL_RATE].source = SRC_CAL;
	ae->slot[SLOT_DEFERRAL_RATE].severity = SEV_CRITICAL;
	snprintf(
		ae->slot[SLOT_DEFERRAL_RATE].remedy, sizeof(ae->slot[0].remedy), "%s",
		"TLB-flush deferral should be in force but kernel-range flushes reach the isolated "
		"CPUs: check the kernel (CONFIG_COALESCE_TLBI, PTI) or INVLPGB, and report it");
	ae->slot[SLOT_DEFERRAL_STATE].type = AL_DEFERRAL_REGRESSED;
	ae->slot[SLOT_DEFERRAL_STATE].source = ALERT_SOURCE_STATE;
	ae->slot[SLOT_DEFERRAL_STATE].severity = SEV_CRITICAL;
	ae->slot[SLOT_INTRUDER].type = AL_INTRUDER;
	ae->slot[SLOT_INTRUDER].source = ALERT_SOURCE_TASK;
	ae->slot[SLOT_INTRUDER].severity = SEV_WARNING;
}

int alert_step(struct alert *a, bool over, const struct cpuset *cpus, double rate, double threshold,
	       int clear_after, time_t now)
{
	a->rate = rate;
	a->threshold = threshold;
	if (over) {
		a->quiet = 0;
		if (a->active) {
			cpuset_or(&a->cpus, &a->cpus, cpus);
			return 0;
		}
		a->active = true;
		a->since = now;
		a->cpus = *cpus;
		return 1;
	}
	if (!a->active || ++a->quiet < clear_after)
		return 0;
	a->active = false;
	a->quiet = 0;
	return -1;
}

/* Which CPUs are above, and the highest rate; over a channel or, for regression, a source. */
struct rule_view {
	struct cpuset over;
	double max_rate;
	const struct mon_cpu *first; /* the first CPU above, to name its IRQs */
};

/* Collect the CPUs whose channel rate exceeds the threshold. */
static void view_channel(const struct monitor *m, enum cls_channel ch, double thr,
			 struct rule_view *v)
{
	cpuset_zero(&v->over);
	v->max_rate = 0;
	v->first = NULL;
	for (int i = 0; i < m->ncpus; i++) {
		const struct mon_cpu *c = &m->cpus[i];

		double rate = mon_cpu_ch_rate(c, ch);

		if (rate > v->max_rate)
			v->max_rate = rate;
		if (rate > thr) {
			cpuset_set(&v->over, c->cpu);
			v->first = v->first ? v->first : c;
		}
	}
}

/* Collect the CPUs whose source rate exceeds both the threshold and baseline * factor. */
static void view_regression(const struct monitor *m, enum tl_source s, double thr, double factor,
			    struct rule_view *v)
{
	cpuset_zero(&v->over);
	v->max_rate = 0;
	v->first = NULL;
	for (int i = 0; i < m->ncpus; i++) {
		const struct mon_cpu *c = &m->cpus[i];
		double rate;

		if (!c->base_done)
			continue;
		rate = mon_cpu_rate(c, s);
		if (rate > v->max_rate)
			v->max_rate = rate;
		if (rate > thr && rate > mon_cpu_baseline(c, s) * factor) {
			cpuset_set(&v->over, c->cpu);
			v->first = v->first ? v->first : c;
		}
	}
}

/* Remember an event in the history ring. */
static void history_add(struct alert_engine *ae, const struct alert *a, bool raised, time_t now,
			uint64_t sample)
{
	struct alert_hist *h = &ae->hist[ae->hist_next];

	h->sample = sample;
	h->raised = raised;
	h->type = a->type;
	h->source = a->source;
	h->cpus = a->cpus;
	h->time = now;
	ae->hist_next = (ae->hist_next + 1) % ALERT_HISTORY;
	if (ae->hist_n < ALERT_HISTORY)
		ae->hist_n++;
	if (raised)
		ae->raised_total++;
}

/* Step one slot and record the event it produced, if any. */
static void step_slot(struct alert_engine *ae, struct alert *a, const struct rule_view *v,
		      double thr, const struct alert_inputs *in, struct alert_event *ev, int maxev,
		      int *n)
{
	int r = alert_step(a, !cpuset_empty(&v->over), &v->over, v->max_rate, thr,
			   in->conf->clear_after, in->now);

	if (!r)
		return;
	if (r > 0)
		a->since_sample = in->m->samples;
	if (r > 0 && a->type == AL_DEVICE_IRQ && v->first && *mon_cpu_irqs(v->first))
		snprintf(a->remedy, sizeof(a->remedy),
			 "device IRQs %s reach CPU %d: set irqaffinity= and isolcpus=managed_irq, "
			 "or write a housekeeping mask to /proc/irq/N/smp_affinity",
			 mon_cpu_irqs(v->first), v->first->cpu);
	history_add(ae, a, r > 0, in->now, in->m->samples);
	if (*n < maxev) {
		ev[*n].raised = r > 0;
		ev[*n].a = a;
		(*n)++;
	}
}

int alerts_evaluate(struct alert_engine *ae, const struct alert_inputs *in, struct alert_event *ev,
		    int maxev)
{
	const struct conf_monitor *cm = in->conf;
	struct rule_view v, kflush;
	int n = 0;

	for (int i = 0; i < CH_COUNT; i++) {
		double thr = cm->threshold[rules[i].src];

		view_channel(in->m, rules[i].ch, thr, &v);
		if (rules[i].ch == CH_KERNEL_FLUSH)
			kflush = v;
		step_slot(ae, &ae->slot[i], &v, thr, in, ev, maxev, &n);
	}
	for (int s = 0; s < SRC_COUNT; s++) {
		view_regression(in->m, s, cm->threshold[s], cm->baseline_factor, &v);
		step_slot(ae, &ae->slot[SLOT_REGRESSION(s)], &v, cm->threshold[s], in, ev, maxev,
			  &n);
	}
	if (!in->deferral_expected)
		cpuset_zero(&kflush.over);
	step_slot(ae, &ae->slot[SLOT_DEFERRAL_RATE], &kflush, cm->threshold[SRC_CAL], in, ev, maxev,
		  &n);
	return n;
}

const struct alert *alerts_raise_lost_deferral(struct alert_engine *ae, const char *was,
					       const char *missing, const struct cpuset *isolated,
					       time_t now)
{
	struct alert *a = &ae->slot[SLOT_DEFERRAL_STATE];

	if (a->active)
		return NULL;
	a->active = true;
	a->since = now;
	/* Every isolated CPU lost the protection, so the alert names them all. */
	a->cpus = *isolated;
	snprintf(a->remedy, sizeof(a->remedy),
		 "the previous boot had TLB-flush deferral (%s) and this one has not: %s", was,
		 missing && *missing ? missing : "see tlbisoctl check");
	history_add(ae, a, true, now, 0);
	return a;
}

int alerts_step_intruder(struct alert_engine *ae, bool found, const struct cpuset *cpus,
			 const char *what, int clear_after, time_t now, uint64_t sample,
			 const struct alert **out)
{
	struct alert *a = &ae->slot[SLOT_INTRUDER];
	int r = alert_step(a, found, cpus, 0, 0, clear_after, now);

	*out = a;
	/* The message names the tasks found now, so a later intruder is named too. */
	if (found)
		snprintf(a->remedy, sizeof(a->remedy),
			 "%s, in no workload rule: move it off, or add a rule", what);
	if (r > 0)
		a->since_sample = sample;
	if (r)
		history_add(ae, a, r > 0, now, sample);
	return r;
}

int alerts_active(const struct alert_engine *ae, enum alert_severity sev)
{
	int n = 0;

	for (int i = 0; i < ALERT_SLOTS; i++)
		n += ae->slot[i].active && ae->slot[i].severity >= sev;
	return n;
}
