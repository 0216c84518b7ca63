// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The running kernel's build configuration, from /proc/config.gz (zlib) or
 * /boot/config-<release>, as a sorted array searched with bsearch().
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "kconfig.h"

#define KC_PREFIX      "CONFIG_"
#define KC_PREFIX_LEN  (sizeof(KC_PREFIX) - 1)
#define KC_NOT_SET     " is not set"
#define KC_NOT_SET_LEN (sizeof(KC_NOT_SET) - 1)
/* A real config is a few hundred KiB; refuse a decompression bomb in a dump. */
#define KC_MAX_SIZE (64u << 20)

void kconfig_free(struct kconfig *k)
{
	free(k->entries);
	free(k->text);
	k->entries = NULL;
	k->text = NULL;
	k->n = k->cap = 0;
	k->source = KCONFIG_NONE;
	k->path[0] = '\0';
}

const char *kconfig_source_name(enum kconfig_source s)
{
	switch (s) {
	case KCONFIG_PROC_GZ:
		return "proc-config-gz";
	case KCONFIG_BOOT:
		return "boot-config";
	case KCONFIG_NONE:
		break;
	}
	return "none";
}

/* Symbol names are what Kconfig allows: letters, digits and underscores. */
static bool kc_valid_name(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] == '_' || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

/* Append one entry; name and value point into k->text. */
static int kc_add(struct kconfig *k, char *name, char *value)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 1024;
		struct kconfig_entry *p = realloc(k->entries, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		k->entries = p;
		k->cap = cap;
	}
	k->entries[k->n].name = name;
	k->entries[k->n].value = value;
	k->n++;
	return 0;
}

/*
 * "# CONFIG_X is not set": the value is "n". It is cut out of the line
 * itself (the 'n' of "not"), so every entry points into the one text.
 */
static int kc_line_not_set(struct kconfig *k, char *s, size_t n, bool *matched)
{
	char *name = s + 2 + KC_PREFIX_LEN, *not ;
	size_t nlen;

	*matched = false;
	if (n < 2 + KC_PREFIX_LEN + KC_NOT_SET_LEN ||
	    strncmp(s, "# " KC_PREFIX, 2 + KC_PREFIX_LEN) ||
	    strncmp(s + n - KC_NOT_SET_LEN, KC_NOT_SET, KC_NOT_SET_LEN))
		return 0;
	nlen = n - 2 - KC_PREFIX_LEN - KC_NOT_SET_LEN;
	if (!kc_valid_name(name, nlen))
		return 0;
	*matched = true;
	not = name + nlen + 4; /* " is not": 'n' of "not" */
	name[nlen] = '\0';
	not [1] = '\0';
	return kc_add(k, name, not );
}

/* "CONFIG_X=value": split at '=' in place; the value is kept raw. */
static int kc_line_set(struct kconfig *k, char *s, size_t n, int line, struct tl_err *e)
{
	char *eq = memchr(s, '=', n);

	if (n < KC_PREFIX_LEN || strncmp(s, KC_PREFIX, KC_PREFIX_LEN) || !eq ||
	    !kc_valid_name(s + KC_PREFIX_LEN, (size_t)(eq - s) - KC_PREFIX_LEN))
		return tl_err_set(e, EINVAL, "line %d: expected CONFIG_NAME=value, found \"%.40s\"",
				  line, s);
	*eq = '\0';
	s[n] = '\0';
	if (kc_add(k, s + KC_PREFIX_LEN, eq + 1) < 0)
		return tl_err_set(e, ENOMEM, "out of memory");
	return 0;
}

/* One line, blanks stripped at the end (CRLF copies and editors leave them). */
static int kc_line(struct kconfig *k, char *s, size_t n, int line, struct tl_err *e)
{
	bool matched;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (n == 0)
		return 0;
	if (s[0] == '#') {
		if (kc_line_not_set(k, s, n, &matched) < 0)
			return tl_err_set(e, ENOMEM, "out of memory");
		return 0;
	}
	return kc_line_set(k, s, n, line, e);
}

/* Sort by name; equal names keep file order (their pointers ascend through the text). */
static int kc_cmp(const void *a, const void *b)
{
	const struct kconfig_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->name < y->name ? -1 : x->name > y->name;
}

/* Sort, then drop all but the last of each repeated name (Kconfig's "last wins"). */
static void kc_sort(struct kconfig *k)
{
	size_t out = 0;

	if (k->n == 0)
		return; /* entries may be NULL, which qsort() must not see */
	qsort(k->entries, k->n, sizeof(*k->entries), kc_cmp);
	for (size_t i = 0; i < k->n; i++) {
		if (i + 1 < k->n && !strcmp(k->entries[i].name, k->entries[i + 1].name))
			continue;
		k->entries[out++] = k->entries[i];
	}
	k->n = out;
}

/* Parse text that k now owns (len bytes plus a NUL). */
static int kc_parse_owned(struct kconfig *k, char *text, size_t len, struct tl_err *e)
{
	char *p = text, *end = text + len;
	int line = 0, r;

	k->text = text;
	while (p < end) {
		char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			eol = end;
		line++;
		r = kc_line(k, p, (size_t)(eol - p), line, e);
		if (r < 0)
			return r;
		p = eol + 1;
	}
	kc_sort(k);
	return 0;
}

int kconfig_parse(struct kconfig *k, const char *text, size_t len, struct tl_err *e)
{
	char *copy;
	int r;

	kconfig_free(k);
	copy = malloc(len + 1);
	if (!copy)
		return tl_err_set(e, ENOMEM, "out of memory");
	memcpy(copy, text, len);
	copy[len] = '\0';
	r = kc_parse_owned(k, copy, len, e);
	if (r < 0)
		kconfig_free(k);
	return r;
}

/* Error of a gzFile, with zlib's own words for the cause. */
static int kc_gz_error(gzFile gz, struct tl_err *e)
{
	int errnum;
	const char *msg = gzerror(gz, &errnum);

	if (errnum == Z_ERRNO)
		return tl_err_sys(e, errno, "cannot read /proc/config.gz");
	return tl_err_set(e, EBADMSG, "/proc/config.gz: corrupt gzip data: %s", msg);
}

/* Inflate the whole stream into b; a stream cut short is an error, not a short config. */
static int kc_gz_read_all(gzFile gz, struct tl_buf *b, struct tl_err *e)
{
	int n, errnum;

	b->len = 0;
	for (;;) {
		if (b->len > KC_MAX_SIZE)
			return tl_err_set(e, EFBIG, "/proc/config.gz: more than %u bytes inflated",
					  KC_MAX_SIZE);
		if (tl_buf_reserve(b, b->len + 65536) < 0)
			return tl_err_set(e, ENOMEM, "out of memory");
		n = gzread(gz, b->data + b->len, (unsigned)(b->cap - b->len - 1));
		if (n < 0)
			return kc_gz_error(gz, e);
		if (n == 0)
			break;
		b->len += (size_t)n;
	}
	gzerror(gz, &errnum);
	if (errnum != Z_OK)
		return kc_gz_error(gz, e);
	if (gzdirect(gz))
		return tl_err_set(e, EBADMSG, "/proc/config.gz: not gzip data");
	b->data[b->len] = '\0';
	return 0;
}

/* Read /proc/config.gz from an open fd; gzdopen() takes the fd whatever happens. */
static int kc_load_gz(struct kconfig *k, int fd, struct tl_err *e)
{
	struct tl_buf b = {0};
	gzFile gz = gzdopen(fd, "rb");
	int r;

	if (!gz) {
		close(fd);
		return tl_err_set(e, ENOMEM, "/proc/config.gz: cannot start zlib");
	}
	r = kc_gz_read_all(gz, &b, e);
	gzclose(gz);
	if (r == 0) {
		r = kc_parse_owned(k, b.data, b.len, e);
		b.data = NULL;
		if (r < 0)
			tl_err_prefix(e, "/proc/config.gz: ");
	}
	tl_buf_free(&b);
	if (r == 0) {
		k->source = KCONFIG_PROC_GZ;
		snprintf(k->path, sizeof(k->path), "/proc/config.gz");
	}
	return r;
}

/* /boot/config-<release>: absent is not an error, the caller reports NONE. */
static int kc_load_boot(struct kconfig *k, const struct tl_path *p, const char *release,
			struct tl_err *e)
{
	struct tl_buf b = {0};
	char path[PATH_MAX];
	int r;

	/* a release is one path component: never let it walk elsewhere */
	if (!*release || strchr(release, '/') || !strcmp(release, "..") || !strcmp(release, "."))
		return tl_err_set(e, EINVAL, "kernel release \"%.64s\" is not a file name",
				  release);
	snprintf(path, sizeof(path), "/boot/config-%s", release);
	if (!tl_path_exists(p, path))
		return 0;
	r = tl_path_read_buf(p, path, &b, e);
	if (r == 0) {
		r = kc_parse_owned(k, b.data, b.len, e);
		b.data = NULL;
		if (r < 0)
			tl_err_prefix(e, "%s: ", path);
	}
	tl_buf_free(&b);
	if (r == 0) {
		k->source = KCONFIG_BOOT;
		snprintf(k->path, sizeof(k->path), "%s", path);
	}
	return r;
}

int kconfig_load(struct kconfig *k, const struct tl_path *p, const char *release, struct tl_err *e)
{
	char rel[256];
	int fd, r;

	kconfig_free(k);
	fd = tl_path_open(p, "/proc/config.gz", O_RDONLY);
	if (fd >= 0)
		r = kc_load_gz(k, fd, e);
	else if (fd != -ENOENT)
		r = tl_err_sys(e, -fd, "cannot open /proc/config.gz");
	else if (!release &&
		 tl_path_read_line(p, "/proc/sys/kernel/osrelease", rel, sizeof(rel), NULL) < 0)
		r = 0; /* no release known, so no /boot file to look for */
	else
		r = kc_load_boot(k, p, release ? release : rel, e);
	if (r < 0)
		kconfig_free(k);
	return r;
}

/* bsearch key comparison: the key is a bare name. */
static int kc_key_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct kconfig_entry *)elem)->name);
}

const char *kconfig_get(const struct kconfig *k, const char *name)
{
	const struct kconfig_entry *ent;

	if (!strncmp(name, KC_PREFIX, KC_PREFIX_LEN))
		name += KC_PREFIX_LEN;
	if (!k->n)
		return NULL;
	ent = bsearch(name, k->entries, k->n, sizeof(*k->entries), kc_key_cmp);
	return ent ? ent->value : NULL;
}

bool kconfig_enabled(const struct kconfig *k, const char *name)
{
	const char *v = kconfig_get(k, name);

	return v && (!strcmp(v, "y") || !strcmp(v, "m"));
}
