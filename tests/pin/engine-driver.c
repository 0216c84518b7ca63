// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Runs the workload engine on the live system the way tlbisod's loop does:
 * poll the proc connector fd, drain it, tick rarely. The rules come from the
 * config file argv[1]. It prints "mode=events" (or scan) once the first tick
 * is done, then the status JSON on SIGUSR1, and exits on SIGTERM.
 */
#include "config.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "workload-engine.h"

/* Print what happened: findings as lines, for the test's log. */
static void print_findings(const struct wl_findings *f)
{
	for (int i = 0; i < f->n; i++)
		printf("finding %s pid=%d cpu=%d %s\n", wl_finding_kind_name(f->items[i].kind),
		       (int)f->items[i].pid, f->items[i].cpu, f->items[i].msg);
	fflush(stdout);
}

/* The loop: connector events as they come, a tick every tick_ms. */
static int loop(struct workload_engine *w, int sfd, int tick_ms)
{
	struct pollfd pfd[2] = {{sfd, POLLIN, 0}, {workload_engine_fd(w), POLLIN, 0}};
	struct signalfd_siginfo si;
	struct wl_findings f;
	struct tl_err e;

	for (;;) {
		int n = poll(pfd, 2, tick_ms);

		f.n = 0;
		if (n == 0)
			workload_engine_tick(w, &f, &e);
		if (n > 0 && (pfd[1].revents & POLLIN))
			workload_engine_on_readable(w, &f, &e);
		print_findings(&f);
		if (n <= 0 || !(pfd[0].revents & POLLIN))
			continue;
		if (read(sfd, &si, sizeof(si)) != sizeof(si) || si.ssi_signo == SIGTERM)
			return 0;
		{
			struct json_object *st = workload_engine_status_json(w);

			printf("status %s\n", json_object_to_json_string_ext(st, 0));
			fflush(stdout);
			json_object_put(st);
		}
	}
}

int main(int argc, char **argv)
{
	struct conf_problems probs = {0};
	struct workload_rules rules;
	struct workload_engine w;
	struct wl_findings f = {0};
	struct cpuset iso;
	struct tl_path p;
	struct tl_err e;
	config_t cfg;
	sigset_t ss;
	int sfd, r;

	if (argc != 4) {
		fprintf(stderr, "usage: engine-driver CONFIG ISOLATED_CPULIST TICK_MS\n");
		return 2;
	}
	config_init(&cfg);
	if (config_read_file(&cfg, argv[1]) != CONFIG_TRUE ||
	    workload_conf_parse(config_lookup(&cfg, "workloads"), &rules, &probs) < 0 ||
	    cpulist_parse(argv[2], &iso, &e) < 0 || tl_path_init(&p, "/", &e) < 0) {
		fprintf(stderr, "engine-driver: bad config or arguments\n");
		return 2;
	}
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGUSR1);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	sfd = signalfd(-1, &ss, SFD_CLOEXEC);
	workload_engine_init(&w, &rules, &p, &iso, &e);
	workload_engine_tick(&w, &f, &e);
	printf("mode=%s\n", workload_engine_fd(&w) >= 0 ? "events" : "scan");
	print_findings(&f);
	r = loop(&w, sfd, atoi(argv[3]));
	workload_engine_free(&w);
	workload_rules_free(&rules);
	config_destroy(&cfg);
	tl_path_fini(&p);
	return r;
}
