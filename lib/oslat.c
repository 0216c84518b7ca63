// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "oslat.h"
#include "path.h"

void oslat_result_free(struct oslat_result *r)
{
	free(r->cpus);
	r->cpus = NULL;
	r->n = 0;
}

/* oslat spells some keys with a trailing colon ("rt_test_version:"): accept both. */
static json_object *get_key(json_object *o, const char *key)
{
	char colon[64];
	json_object *v;

	if (json_object_object_get_ex(o, key, &v))
		return v;
	snprintf(colon, sizeof(colon), "%s:", key);
	return json_object_object_get_ex(o, colon, &v) ? v : NULL;
}

static int json_number(json_object *o, const char *key, double *out)
{
	json_object *v = get_key(o, key);

	if (!v ||
	    (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int)))
		return -EINVAL;
	*out = json_object_get_double(v);
	return 0;
}

/* Written so that NaN, which compares false both ways, is refused too. */
static bool cpu_number_valid(double cpu)
{
	return cpu >= 0 && cpu < TL_MAX_CPUS;
}

static int json_thread(json_object *t, struct oslat_cpu *c)
{
	double cpu;

	if (!json_object_is_type(t, json_type_object) || json_number(t, "cpu", &cpu) < 0 ||
	    json_number(t, "min", &c->min_us) < 0 || json_number(t, "avg", &c->avg_us) < 0 ||
	    json_number(t, "max", &c->max_us) < 0)
		return -EINVAL;
	if (!cpu_number_valid(cpu))
		return -ERANGE;
	c->cpu = (int)cpu;
	if (json_number(t, "duration", &c->duration_s) < 0)
		c->duration_s = 0;
	return 0;
}

int oslat_parse_json(const char *text, struct oslat_result *r, struct tl_err *e)
{
	json_object *root = json_tokener_parse(text), *threads, *ver;
	int n = 0, rc = 0;

	memset(r, 0, sizeof(*r));
	if (!root)
		return tl_err_set(e, EINVAL, "oslat JSON does not parse");
	threads = get_key(root, "thread");
	if (!threads || !json_object_is_type(threads, json_type_object)) {
		json_object_put(root);
		return tl_err_set(e, EINVAL, "oslat JSON has no \"thread\" object");
	}
	ver = get_key(root, "rt_test_version");
	if (ver && json_object_is_type(ver, json_type_string))
		snprintf(r->version, sizeof(r->version), "%s", json_object_get_string(ver));
	r->cpus = calloc((size_t)json_object_object_length(threads) + 1, sizeof(*r->cpus));
	if (!r->cpus) {
		json_object_put(root);
		return tl_err_set(e, ENOMEM, "out of memory");
	}
	json_object_object_foreach(threads, key, val)
	{
		(void)key;
		if (json_thread(val, &r->cpus[n]) < 0) {
			rc = tl_err_set(e, EINVAL,
					"oslat JSON: thread \"%s\" lacks cpu/min/avg/max", key);
			break;
		}
		n++;
	}
	r->n = n;
	json_object_put(root);
	if (rc == 0 && n == 0)
		rc = tl_err_set(e, EINVAL, "oslat JSON has no threads");
	if (rc < 0)
		oslat_result_free(r);
	return rc;
}

/* The values of one "Label:\t v1 v2 ... (unit)" line, in column order. */
static int text_row(const char *text, const char *label, double *vals, int max)
{
	const char *p = strstr(text, label);
	int n = 0;

	if (!p)
		return -ENOENT;
	p += strlen(label);
	while (n < max) {
		char *end;
		double v;

		while (*p == ' ' || *p == '\t')
			p++;
		v = strtod(p, &end);
		if (end == p)
			break;
		vals[n++] = v;
		p = end;
	}
	return n;
}

int oslat_parse_text(const char *text, struct oslat_result *r, struct tl_err *e)
{
	static const char *labels[] = {"Core:", "Minimum:", "Average:", "Maximum:"};
	double *vals[4] = {0};
	int n = -1, rc = 0;

	memset(r, 0, sizeof(*r));
	for (int i = 0; i < 4 && rc == 0; i++) {
		int got;

		vals[i] = calloc(TL_MAX_CPUS, sizeof(double));
		got = vals[i] ? text_row(text, labels[i], vals[i], TL_MAX_CPUS) : -ENOMEM;
		if (got <= 0 || (n >= 0 && got != n))
			rc = tl_err_set(e, EINVAL, "oslat output: bad or missing \"%s\" line",
					labels[i]);
		n = got;
	}
	if (rc == 0 && !(r->cpus = calloc((size_t)n, sizeof(*r->cpus))))
		rc = tl_err_set(e, ENOMEM, "out of memory");
	for (int k = 0; rc == 0 && k < n; k++) {
		if (!cpu_number_valid(vals[0][k])) {
			rc = tl_err_set(e, ERANGE, "oslat output: CPU %g out of range", vals[0][k]);
			break;
		}
		r->cpus[k] =
			(struct oslat_cpu){(int)vals[0][k], vals[1][k], vals[2][k], vals[3][k], 0};
	}
	r->n = rc == 0 ? n : 0;
	if (rc < 0)
		oslat_result_free(r);
	for (int i = 0; i < 4; i++)
		free(vals[i]);
	return rc;
}

int oslat_find(char *out, size_t outsz, struct tl_err *e)
{
	const char *env = getenv("TLBISO_OSLAT");
	const char *path = getenv("PATH");
	char dirs[4096], *dir, *save;

	if (env && *env) {
		snprintf(out, outsz, "%s", env);
		return access(out, X_OK) == 0 ? 0 : tl_err_sys(e, errno, "TLBISO_OSLAT=%s", env);
	}
	snprintf(dirs, sizeof(dirs), "%s:/usr/sbin:/usr/bin:/sbin:/bin", path ? path : "");
	for (dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		snprintf(out, outsz, "%s/oslat", dir);
		if (access(out, X_OK) == 0)
			return 0;
	}
	return tl_err_set(e, ENOENT,
			  "oslat not found: install rt-tests (apt-get install rt-tests, or "
			  "dnf install rt-tests)");
}

/*
 * The caller pinned itself to housekeeping CPUs, and oslat only uses CPUs of
 * its inherited affinity: widen the child's to the measured CPUs and main_cpu.
 */
static void allow_cpus(const struct cpuset *cpus, int main_cpu)
{
	struct cpuset all = *cpus;
	cpu_set_t set;

	cpuset_set(&all, main_cpu);
	cpuset_to_glibc(&all, &set, sizeof(set));
	sched_setaffinity(0, sizeof(set), &set);
}

/* The child: stdout to a pipe-less file, so a chatty oslat cannot fill a pipe. */
static void exec_oslat(const char *bin, const struct cpuset *cpus, const char *cpulist,
		       int main_cpu, int seconds, const char *json, int outfd)
{
	char dur[32], mainc[32], jarg[PATH_MAX + 8];

	allow_cpus(cpus, main_cpu);

	snprintf(dur, sizeof(dur), "%d", seconds);
	snprintf(mainc, sizeof(mainc), "%d", main_cpu);
	snprintf(jarg, sizeof(jarg), "--json=%s", json);
	dup2(outfd, STDOUT_FILENO);
	dup2(outfd, STDERR_FILENO);
	execl(bin, bin, "-q", "-c", cpulist, "-C", mainc, "-D", dur, jarg, (char *)NULL);
	_exit(127);
}

static int read_back(const char *path, struct tl_buf *b)
{
	struct tl_path root;
	int r = tl_path_init(&root, "/", NULL);

	if (r == 0) {
		r = tl_path_read_buf(&root, path, b, NULL);
		tl_path_fini(&root);
	}
	return r;
}

static int parse_outputs(const char *json, const char *txt, struct oslat_result *r,
			 struct tl_err *e)
{
	struct tl_buf b = {0};
	int rc;

	/* Prefer JSON; versions before 2.0 ignore --json and only print text. */
	if (read_back(json, &b) == 0 && b.len > 0)
		rc = oslat_parse_json(b.data, r, e);
	else if ((rc = read_back(txt, &b)) == 0)
		rc = oslat_parse_text(b.data, r, e);
	else
		rc = tl_err_set(e, EIO, "oslat produced no output");
	tl_buf_free(&b);
	return rc;
}

int oslat_run(const char *bin, const struct cpuset *cpus, int main_cpu, int seconds,
	      struct oslat_result *r, struct tl_err *e)
{
	char dir[] = "/tmp/tlbiso-oslat-XXXXXX", json[64], txt[64], list[4096];
	int outfd, status, rc;
	pid_t pid;

	if (cpulist_format(cpus, list, sizeof(list)) < 0 || !list[0])
		return tl_err_set(e, EINVAL, "no CPUs to measure");
	if (!mkdtemp(dir))
		return tl_err_sys(e, errno, "cannot create a temporary directory");
	snprintf(json, sizeof(json), "%s/oslat.json", dir);
	snprintf(txt, sizeof(txt), "%s/oslat.txt", dir);
	outfd = open(txt, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (outfd < 0) {
		rc = tl_err_sys(e, errno, "cannot create %s", txt);
		goto out;
	}
	pid = fork();
	if (pid == 0)
		exec_oslat(bin, cpus, list, main_cpu, seconds, json, outfd);
	close(outfd);
	if (pid < 0) {
		rc = tl_err_sys(e, errno, "cannot fork");
		goto out;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* oslat exits 0 even for terrible latency; non-zero means it did not run. */
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		rc = tl_err_set(e, EIO, "%s failed (status %d)", bin,
				WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	else
		rc = parse_outputs(json, txt, r, e);
out:
	unlink(json);
	unlink(txt);
	rmdir(dir);
	return rc;
}
