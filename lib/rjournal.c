// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <zlib.h>

#include "cpuset.h"
#include "path.h"
#include "rjournal.h"

static const char *const op_names[] = {
	[RJ_WRITE] = "write", [RJ_AFFINITY] = "affinity", [RJ_MKDIR] = "mkdir"};
static const char *const fmt_names[] = {[RJ_FMT_STR] = "str",
					[RJ_FMT_CPULIST] = "cpulist",
					[RJ_FMT_CPUMASK] = "cpumask",
					[RJ_FMT_INT] = "int",
					[RJ_FMT_PARTITION] = "partition"};

void rj_path(const char *runtime_dir, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s/%s", runtime_dir, RJ_FILE);
}

bool rj_exists(const char *runtime_dir)
{
	char path[PATH_MAX];

	rj_path(runtime_dir, path, sizeof(path));
	return access(path, F_OK) == 0;
}

/* fsync a directory so that a created or removed entry in it survives a power cut. */
static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* One line "<crc> <json>\n", written in one go and fsynced before we return. */
static int rj_write_line(struct rj_writer *w, json_object *o, struct tl_err *e)
{
	const char *js = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	size_t jl = strlen(js);
	char *line = malloc(jl + 16);
	int r;

	if (!line)
		return tl_err_set(e, ENOMEM, "journal: out of memory");
	snprintf(line, jl + 16, "%08lx %s\n", crc32(0L, (const Bytef *)js, (uInt)jl), js);
	r = tl_write_all(w->fd, line, strlen(line));
	free(line);
	if (r == 0 && fsync(w->fd) < 0)
		r = -errno;
	if (r < 0)
		return tl_err_sys(e, -r, "cannot append to %s", w->path);
	return 0;
}

/* A journal whose last line was torn must not glue the next record onto it. */
static int rj_terminate_torn(int fd)
{
	off_t end = lseek(fd, 0, SEEK_END);
	char c;

	if (end <= 0)
		return 0;
	if (pread(fd, &c, 1, end - 1) != 1)
		return -errno;
	return c == '\n' ? 0 : tl_write_all(fd, "\n", 1);
}

/* The header: schema and boot id, so a journal from another boot is never replayed. */
static int rj_write_header(struct rj_writer *w, const char *boot_id, struct tl_err *e)
{
	json_object *o = json_object_new_object();
	int r;

	json_object_object_add(o, "schema", json_object_new_string(RJ_SCHEMA));
	json_object_object_add(o, "boot_id", json_object_new_string(boot_id ? boot_id : ""));
	r = rj_write_line(w, o, e);
	json_object_put(o);
	return r;
}

int rj_open(struct rj_writer *w, const char *runtime_dir, const char *boot_id, struct tl_err *e)
{
	bool created = true;
	int r;

	rj_path(runtime_dir, w->path, sizeof(w->path));
	w->fd = open(w->path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (w->fd < 0 && errno == EEXIST) {
		created = false;
		w->fd = open(w->path, O_RDWR | O_APPEND | O_CLOEXEC);
	}
	if (w->fd < 0)
		return tl_err_sys(e, errno, "cannot open %s", w->path);
	r = created ? rj_write_header(w, boot_id, e) : rj_terminate_torn(w->fd);
	if (r == 0 && created)
		r = fsync_dir(runtime_dir);
	if (r < 0) {
		if (!e || !e->code)
			tl_err_sys(e, -r, "cannot prepare %s", w->path);
		rj_close(w);
		return r < 0 ? r : -EIO;
	}
	return 0;
}

int rj_append(struct rj_writer *w, const struct rj_record *rec, struct tl_err *e)
{
	json_object *o = json_object_new_object();
	int r;

	json_object_object_add(o, "op", json_object_new_string(op_names[rec->op]));
	json_object_object_add(o, "fmt", json_object_new_string(fmt_names[rec->fmt]));
	json_object_object_add(o, "path", json_object_new_string(rec->path));
	if (rec->op == RJ_AFFINITY) {
		json_object_object_add(o, "pid", json_object_new_int(rec->pid));
		json_object_object_add(o, "comm", json_object_new_string(rec->comm));
	}
	json_object_object_add(o, "old", json_object_new_string(rec->old_val ? rec->old_val : ""));
	json_object_object_add(o, "new", json_object_new_string(rec->new_val ? rec->new_val : ""));
	r = rj_write_line(w, o, e);
	json_object_put(o);
	return r;
}

int rj_append_write(struct rj_writer *w, enum rj_fmt fmt, const char *path, const char *old_val,
		    const char *new_val, struct tl_err *e)
{
	struct rj_record rec = {.op = RJ_WRITE,
				.fmt = fmt,
				.path = (char *)path,
				.old_val = (char *)old_val,
				.new_val = (char *)new_val};

	return rj_append(w, &rec, e);
}

void rj_close(struct rj_writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

/* Look a name up in a table of names; -1 when unknown (a newer writer, or garbage). */
static int name_index(const char *const *names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (s && !strcmp(names[i], s))
			return i;
	return -1;
}

/* A string member or NULL. */
static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Turn a parsed JSON record into a struct; -EINVAL when a field is missing. */
static int rj_from_json(json_object *o, struct rj_record *r)
{
	int op = name_index(op_names, 3, jstr(o, "op"));
	int fmt = name_index(fmt_names, 5, jstr(o, "fmt"));
	const char *path = jstr(o, "path"), *ov = jstr(o, "old"), *nv = jstr(o, "new");
	json_object *pid;

	if (op < 0 || fmt < 0 || !path || !ov || !nv)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->op = (enum rj_op)op;
	r->fmt = (enum rj_fmt)fmt;
	if (r->op == RJ_AFFINITY) {
		if (!json_object_object_get_ex(o, "pid", &pid) || !jstr(o, "comm"))
			return -EINVAL;
		r->pid = json_object_get_int(pid);
		snprintf(r->comm, sizeof(r->comm), "%s", jstr(o, "comm"));
	}
	r->path = strdup(path);
	r->old_val = strdup(ov);
	r->new_val = strdup(nv);
	return r->path && r->old_val && r->new_val ? 0 : -ENOMEM;
}

/* Check the CRC of "<crc> <json>" and parse the JSON; NULL when the line is damaged. */
static json_object *rj_parse_line(const char *line, size_t len)
{
	char hex[9], *end;
	unsigned long want;
	json_object *o;

	if (len < 10 || line[8] != ' ')
		return NULL;
	memcpy(hex, line, 8);
	hex[8] = '\0';
	want = strtoul(hex, &end, 16);
	if (*end || crc32(0L, (const Bytef *)line + 9, (uInt)(len - 9)) != want)
		return NULL;
	o = json_tokener_parse(line + 9); /* the line is NUL-terminated by the caller */
	if (o && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* Append a record to the list, growing it. */
static int rj_list_push(struct rj_list *l, const struct rj_record *r)
{
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 32;
		struct rj_record *n = realloc(l->items, (size_t)cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		l->items = n;
		l->cap = cap;
	}
	l->items[l->n++] = *r;
	return 0;
}

/* A damaged last line is a torn append (expected after a crash); earlier ones are corruption. */
static void rj_count_bad(struct rj_list *l, bool last)
{
	if (last)
		l->torn++;
	else
		l->corrupt++;
}

/* One complete line: the header sets the boot id, a record is appended, damage is counted. */
static int rj_take_line(struct rj_list *l, char *line, size_t len, bool last)
{
	json_object *o = rj_parse_line(line, len);
	struct rj_record r;
	const char *schema;
	int ret = 0;

	if (!o) {
		rj_count_bad(l, last);
		return 0;
	}
	schema = jstr(o, "schema");
	if (schema) {
		snprintf(l->boot_id, sizeof(l->boot_id), "%s", jstr(o, "boot_id") ?: "");
	} else if (rj_from_json(o, &r) == 0) {
		ret = rj_list_push(l, &r);
	} else {
		rj_count_bad(l, last);
	}
	json_object_put(o);
	return ret;
}

int rj_parse(const char *text, size_t len, struct rj_list *l, struct tl_err *e)
{
	size_t pos = 0;
	char *copy = malloc(len + 1);
	int r = 0;

	if (!copy)
		return tl_err_set(e, ENOMEM, "journal: out of memory");
	memcpy(copy, text, len);
	copy[len] = '\0';
	memset(l, 0, sizeof(*l));
	while (pos < len && r == 0) {
		char *nl = memchr(copy + pos, '\n', len - pos);

		if (!nl) { /* no newline: the append was cut short */
			l->torn++;
			break;
		}
		*nl = '\0';
		if (nl > copy + pos)
			r = rj_take_line(l, copy + pos, (size_t)(nl - copy - pos),
					 (size_t)(nl - copy) + 1 == len);
		pos = (size_t)(nl - copy) + 1;
	}
	free(copy);
	if (r < 0)
		return tl_err_set(e, -r, "journal: out of memory");
	return 0;
}

/* Read a whole regular file (the journal is ours: not a /proc file, fstat sizes it). */
static int read_file(const char *file, char **out, size_t *len)
{
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !(*out = malloc((size_t)st.st_size + 1))) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, *out + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return 0;
}

int rj_load(const char *file, struct rj_list *l, struct tl_err *e)
{
	char *text = NULL;
	size_t len = 0;
	int r;

	memset(l, 0, sizeof(*l));
	r = read_file(file, &text, &len);
	if (r < 0)
		return tl_err_sys(e, -r, "cannot read %s", file);
	r = rj_parse(text, len, l, e);
	free(text);
	return r;
}

void rj_list_free(struct rj_list *l)
{
	for (int i = 0; i < l->n; i++) {
		free(l->items[i].path);
		free(l->items[i].old_val);
		free(l->items[i].new_val);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/* Compare two texts as CPU sets in the given syntax; unparsable ones compare as text. */
static bool sets_equal(enum rj_fmt fmt, const char *a, const char *b)
{
	struct cpuset sa, sb;
	int (*parse)(const char *, struct cpuset *, struct tl_err *) =
		fmt == RJ_FMT_CPULIST ? cpulist_parse : cpumask_parse;

	if (parse(a, &sa, NULL) < 0 || parse(b, &sb, NULL) < 0)
		return strcmp(a, b) == 0;
	return cpuset_equal(&sa, &sb);
}

/* Copy without trailing blanks: "0-3\n" as read equals "0-3" as written. */
static char *rj_trimmed(const char *s)
{
	size_t n = strlen(s);
	char *t;

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	t = strndup(s, n);
	return t;
}

/* Compare two trimmed values under fmt. */
static bool rj_equal_trimmed(enum rj_fmt fmt, const char *a, const char *b)
{
	size_t la, lb;
	char *end;

	switch (fmt) {
	case RJ_FMT_CPULIST:
	case RJ_FMT_CPUMASK:
		return sets_equal(fmt, a, b);
	case RJ_FMT_INT:
		return strtoll(a, &end, 0) == strtoll(b, NULL, 0) && end != a;
	case RJ_FMT_PARTITION:
		la = strcspn(a, " \t");
		lb = strcspn(b, " \t");
		return la == lb && !strncmp(a, b, la);
	default:
		return strcmp(a, b) == 0;
	}
}

bool rj_values_equal(enum rj_fmt fmt, const char *a, const char *b)
{
	char *ta = rj_trimmed(a), *tb = rj_trimmed(b);
	bool eq = ta && tb && rj_equal_trimmed(fmt, ta, tb);

	free(ta);
	free(tb);
	return eq;
}

/* Put a file value back when it still holds ours; leave someone else's change alone. */
static int rj_restore_write(const struct rj_record *r, const struct tl_path *p,
			    const struct hk_io *io, struct hk_report *rep)
{
	struct tl_err e = {0};
	char *cur = NULL;
	int ret = 0;

	if (hk_io_read(p, r->path, &cur, &e) < 0) { /* trimmed: it is compared and shown */
		hk_report_add(rep, HK_NOTE_INFO, "journal", r->path, "gone, nothing to restore");
		return 0;
	}
	if (rj_values_equal(r->fmt, cur, r->new_val)) {
		ret = io->write(io->ctx, p, r->path, r->old_val, &e);
		if (ret < 0)
			hk_report_add(rep, HK_NOTE_ERROR, "journal", r->path, "%s", e.msg);
		else
			hk_report_add(rep, HK_NOTE_RESTORED, "journal", r->path, "%s -> %s",
				      r->new_val, r->old_val);
	} else if (!rj_values_equal(r->fmt, cur, r->old_val)) {
		hk_report_add(rep, HK_NOTE_FOREIGN, "journal", r->path,
			      "now \"%s\", we set \"%s\": changed by someone else, left alone", cur,
			      r->new_val);
	}
	free(cur);
	return ret < 0 ? 1 : 0;
}

/* A task's comm, to be sure a pid was not reused by another task. */
static bool rj_same_task(const struct tl_path *p, pid_t pid, const char *comm)
{
	char path[64], cur[64];

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if (tl_path_read_line(p, path, cur, sizeof(cur), NULL) < 0)
		return false;
	return strcmp(cur, comm) == 0;
}

/* Put a task's affinity back, only if it is the same task and still has our mask. */
static int rj_restore_affinity(const struct rj_record *r, const struct tl_path *p,
			       const struct hk_io *io, struct hk_report *rep)
{
	struct cpuset cur, want, ours;
	char now[256];
	int ret;

	if (!rj_same_task(p, r->pid, r->comm) || io->get_affinity(io->ctx, p, r->pid, &cur) < 0) {
		hk_report_add(rep, HK_NOTE_INFO, "journal", r->path,
			      "task gone, nothing to restore");
		return 0;
	}
	if (cpulist_parse(r->old_val, &want, NULL) < 0 ||
	    cpulist_parse(r->new_val, &ours, NULL) < 0)
		return hk_report_add(rep, HK_NOTE_ERROR, "journal", r->path, "bad cpulist"), 1;
	if (cpuset_equal(&cur, &want))
		return 0;
	if (!cpuset_equal(&cur, &ours)) {
		cpulist_format(&cur, now, sizeof(now));
		hk_report_add(rep, HK_NOTE_FOREIGN, "journal", r->path,
			      "now %s, we set %s: changed by someone else, left alone", now,
			      r->new_val);
		return 0;
	}
	ret = io->set_affinity(io->ctx, p, r->pid, &want);
	if (ret < 0) {
		hk_report_add(rep, HK_NOTE_ERROR, "journal", r->path, "%s", strerror(-ret));
		return 1;
	}
	hk_report_add(rep, HK_NOTE_RESTORED, "journal", r->path, "%s -> %s", r->new_val,
		      r->old_val);
	return 0;
}

/* Remove a directory we created; a non-empty cgroup (tasks moved in) is an error to report. */
static int rj_restore_mkdir(const struct rj_record *r, const struct tl_path *p,
			    const struct hk_io *io, struct hk_report *rep)
{
	int ret;

	if (!tl_path_exists(p, r->path))
		return 0;
	ret = io->rmdir(io->ctx, p, r->path);
	if (ret < 0) {
		hk_report_add(rep, HK_NOTE_ERROR, "journal", r->path, "cannot remove: %s",
			      strerror(-ret));
		return 1;
	}
	hk_report_add(rep, HK_NOTE_RESTORED, "journal", r->path, "removed");
	return 0;
}

int rj_restore_list(const struct rj_list *l, const struct tl_path *p, const struct hk_io *io,
		    struct hk_report *rep)
{
	int failed = 0;

	for (int i = l->n - 1; i >= 0; i--) {
		const struct rj_record *r = &l->items[i];

		if (r->op == RJ_WRITE)
			failed += rj_restore_write(r, p, io, rep);
		else if (r->op == RJ_AFFINITY)
			failed += rj_restore_affinity(r, p, io, rep);
		else
			failed += rj_restore_mkdir(r, p, io, rep);
	}
	return failed;
}

void rj_boot_id(const struct tl_path *p, char *out, size_t outsz)
{
	if (tl_path_read_line(p, "/proc/sys/kernel/random/boot_id", out, outsz, NULL) < 0)
		out[0] = '\0';
}

/* Move a journal aside (stale or failed) so that it is kept for a person to read. */
static int rj_set_aside(const char *runtime_dir, const char *file, const char *suffix)
{
	char to[PATH_MAX + 16];

	snprintf(to, sizeof(to), "%s.%s", file, suffix);
	if (rename(file, to) < 0)
		return -errno;
	return fsync_dir(runtime_dir);
}

/* Count restored notes added since 'from', for the return value. */
static int rj_count_restored(const struct hk_report *rep, int from)
{
	int n = 0;

	for (int i = from; rep && i < rep->n; i++)
		n += rep->items[i].kind == HK_NOTE_RESTORED;
	return n;
}

int rj_restore(const char *runtime_dir, const struct tl_path *p, const struct hk_io *io,
	       struct hk_report *rep, struct tl_err *e)
{
	char file[PATH_MAX], boot[64];
	struct rj_list l;
	int failed, from = rep ? rep->n : 0;

	rj_path(runtime_dir, file, sizeof(file));
	if (access(file, F_OK) < 0)
		return 0;
	if (rj_load(file, &l, e) < 0)
		return -e->code;
	if (l.torn || l.corrupt)
		hk_report_add(rep, HK_NOTE_INFO, "journal", file,
			      "%d torn and %d damaged line(s) ignored", l.torn, l.corrupt);
	rj_boot_id(p, boot, sizeof(boot));
	if (l.boot_id[0] && boot[0] && strcmp(l.boot_id, boot)) {
		hk_report_add(rep, HK_NOTE_WARN, "journal", file,
			      "written in another boot: not replayed, kept as %s.stale", RJ_FILE);
		rj_list_free(&l);
		return rj_set_aside(runtime_dir, file, "stale");
	}
	failed = rj_restore_list(&l, p, io, rep);
	rj_list_free(&l);
	if (failed) {
		hk_report_add(rep, HK_NOTE_WARN, "journal", file,
			      "%d value(s) could not be restored; journal kept as %s.failed",
			      failed, RJ_FILE);
		rj_set_aside(runtime_dir, file, "failed");
	} else if (unlink(file) < 0 || fsync_dir(runtime_dir) < 0) {
		return tl_err_sys(e, errno, "cannot remove %s", file);
	}
	return rj_count_restored(rep, from);
}
