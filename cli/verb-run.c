// SPDX-License-Identifier: GPL-2.0-or-later
/* tlbisoctl run: start a program on isolated CPUs with its policies set. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "facts.h"
#include "launch.h"
#include "verbs.h"

/* Exit statuses of env(1) and chrt(1): the program's own status otherwise. */
enum { RUN_EXIT_ERROR = 125, RUN_EXIT_CANNOT_EXEC = 126, RUN_EXIT_NOT_FOUND = 127 };

struct run_args {
	const char *sysroot;
	struct launch_opts o;
	bool have_cpus, one_per_thread;
};

static void run_usage(FILE *out)
{
	fputs("Usage:\n"
	      " tlbisoctl run --cpus LIST [options] [--] COMMAND [ARG...]\n"
	      "\n"
	      "Run COMMAND on isolated CPUs: set its CPU affinity, NUMA memory policy and\n"
	      "scheduling policy, drop every capability not asked for, then execute it.\n"
	      "Everything is inherited by the threads and children it creates.\n"
	      "\n"
	      "Options:\n"
	      " -c, --cpus LIST            the CPUs to run on; they must be online and isolated\n"
	      " -n, --numa local|NODE|interleave\n"
	      "                            memory policy: bind to the node(s) of the CPUs, bind "
	      "to\n"
	      "                            NODE, or interleave over all nodes\n"
	      " -f, --fifo PRIO            SCHED_FIFO at PRIO (needs CAP_SYS_NICE or "
	      "RLIMIT_RTPRIO)\n"
	      " -r, --rr PRIO              SCHED_RR at PRIO\n"
	      " -o, --other                SCHED_OTHER\n"
	      "     --one-cpu-per-thread   explain how threads spread over the CPUs, then run\n"
	      "     --keep-caps CAPS       keep these capabilities (e.g. "
	      "cap_sys_nice,cap_ipc_lock)\n"
	      "                            across exec; every other one is dropped\n"
	      "     --force                accept CPUs that are not isolated (offline CPUs are\n"
	      "                            always refused)\n"
	      "     --sysroot DIR          read the system's CPUs and nodes under DIR\n"
	      " -h, --help                 display this help\n"
	      "\n"
	      "Threads created later inherit the whole CPU set. For one thread per CPU, use a\n"
	      "workloads rule with threads = \"spread\" in tlbiso.conf (applied by tlbisod).\n"
	      "\n"
	      "Exit status:\n"
	      " 125  tlbisoctl run itself failed (bad option, CPU not isolated, not permitted)\n"
	      " 126  COMMAND was found but could not be executed\n"
	      " 127  COMMAND was not found\n"
	      " otherwise the exit status of COMMAND\n",
	      out);
}

/* A real-time priority given to --fifo or --rr (the range is checked later). */
static bool run_parse_prio(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 1000)
		return false;
	*out = (int)v;
	return true;
}

/* Report a usage error the verbs' way, with run's own exit status. */
#define RUN_USAGE(ctx, ...) (verb_usage_error((ctx), "run", __VA_ARGS__), RUN_EXIT_ERROR)

/* One option; returns -1 to go on, else the exit status. */
static int run_option(struct verb_ctx *ctx, int c, struct run_args *a)
{
	struct tl_err e;

	switch (c) {
	case 'c':
		if (cpulist_parse(optarg, &a->o.cpus, &e) < 0 || cpuset_empty(&a->o.cpus))
			return RUN_USAGE(ctx, "invalid --cpus '%s'", optarg);
		a->have_cpus = true;
		return -1;
	case 'n':
		if (launch_parse_numa(optarg, &a->o, &e) < 0)
			return RUN_USAGE(ctx, "%s", e.msg);
		return -1;
	case 'f':
	case 'r':
		if (a->o.policy >= 0 || !run_parse_prio(optarg, &a->o.priority))
			return RUN_USAGE(ctx, "one of --fifo PRIO, --rr PRIO, --other, with PRIO "
					      "a number");
		a->o.policy = c == 'f' ? SCHED_FIFO : SCHED_RR;
		return -1;
	case 'o':
		if (a->o.policy >= 0)
			return RUN_USAGE(ctx, "one of --fifo PRIO, --rr PRIO, --other");
		a->o.policy = SCHED_OTHER;
		return -1;
	case 'k':
		if (launch_parse_caps(optarg, &a->o, &e) < 0)
			return RUN_USAGE(ctx, "%s", e.msg);
		return -1;
	case 'h':
		run_usage(stdout);
		return TL_EXIT_OK;
	}
	return RUN_USAGE(ctx, "invalid option");
}

/* getopt_long up to COMMAND ("+": options after it belong to it); -1 to go on. */
static int run_parse(struct verb_ctx *ctx, int argc, char **argv, struct run_args *a)
{
	enum { OPT_FORCE = 256, OPT_SYSROOT, OPT_ONE };
	static const struct option opts[] = {
		{"cpus", required_argument, NULL, 'c'},
		{"numa", required_argument, NULL, 'n'},
		{"fifo", required_argument, NULL, 'f'},
		{"rr", required_argument, NULL, 'r'},
		{"other", no_argument, NULL, 'o'},
		{"one-cpu-per-thread", no_argument, NULL, OPT_ONE},
		{"keep-caps", required_argument, NULL, 'k'},
		{"force", no_argument, NULL, OPT_FORCE},
		{"sysroot", required_argument, NULL, OPT_SYSROOT},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c, r;

	while ((c = getopt_long(argc, argv, "+c:n:f:r:oh", opts, NULL)) != -1) {
		if (c == OPT_FORCE)
			a->o.force = true;
		else if (c == OPT_SYSROOT)
			a->sysroot = optarg;
		else if (c == OPT_ONE)
			a->one_per_thread = true;
		else if ((r = run_option(ctx, c, a)) >= 0)
			return r;
	}
	if (!a->have_cpus)
		return RUN_USAGE(ctx, "--cpus LIST is required");
	if (optind >= argc)
		return RUN_USAGE(ctx, "no command given");
	return -1;
}

/* No CPUID or MSR reads are needed here: a source that has none. */
static int run_no_cpuid(void *ctx, uint32_t leaf, uint32_t sub, struct cpuid_regs *out)
{
	return -ENOENT;
}

/* Never read an MSR: it would go through /dev/cpu/N/msr for nothing. */
static int run_no_msr(void *ctx, uint32_t msr, uint64_t *out)
{
	return -ENOENT;
}

/* Online CPUs, the isolated set and the topology, as `check` sees them. */
static int run_system(struct verb_ctx *ctx, const struct run_args *a, struct tl_path *p,
		      struct tl_facts *f, struct launch_system *sys)
{
	const struct cpuid_source src = {run_no_cpuid, run_no_msr, NULL};
	struct cpuset hk;
	struct tl_err e;

	if (tl_path_init(p, a->sysroot, &e) < 0 || facts_gather(f, p, &src, &e) < 0) {
		fprintf(stderr, "%s run: %s\n", ctx->prog, e.msg);
		return RUN_EXIT_ERROR;
	}
	facts_isolated_set(f, NULL, ISOL_NONE, &sys->isolated, &hk);
	sys->online = f->topo->online;
	sys->topo = f->topo;
	return -1;
}

/* Check, apply, execute. Returns only on failure, with the exit status. */
static int run_exec(struct verb_ctx *ctx, const struct run_args *a, const struct launch_system *sys,
		    char **cmd)
{
	struct tl_err e;
	char text[1024];

	if (launch_check(&a->o, sys, &e) < 0 || launch_apply(&a->o, sys, &e) < 0) {
		fprintf(stderr, "%s run: %s\n", ctx->prog, e.msg);
		return RUN_EXIT_ERROR;
	}
	if (a->one_per_thread) {
		launch_describe_threads(&a->o, text, sizeof(text));
		fprintf(stderr, "%s run: %s\n", ctx->prog, text);
	}
	fflush(NULL);
	execvp(cmd[0], cmd);
	fprintf(stderr, "%s run: cannot execute '%s': %s\n", ctx->prog, cmd[0], strerror(errno));
	return errno == ENOENT ? RUN_EXIT_NOT_FOUND : RUN_EXIT_CANNOT_EXEC;
}

int verb_run(struct verb_ctx *ctx, int argc, char **argv)
{
	struct run_args a = {.o.policy = -1};
	struct launch_system sys = {0};
	struct tl_facts f;
	struct tl_path p;
	int r;

	r = run_parse(ctx, argc, argv, &a);
	if (r >= 0)
		return r;
	r = run_system(ctx, &a, &p, &f, &sys);
	if (r >= 0)
		return r;
	r = run_exec(ctx, &a, &sys, argv + optind);
	facts_free(&f);
	tl_path_fini(&p);
	return r;
}
