/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The restore journal (RUNTIME_DIR/restore.journal): every value housekeeping
 * changes is first appended here, with its old and new value, and fsynced.
 * Only then is the change made. So after a crash at any point the journal
 * describes a superset of what was changed, and restoring it in reverse
 * order brings every original back.
 *
 * Format: one record per line, "<crc32 hex> <json>\n", the CRC over the
 * JSON text. A torn last line (a crash inside the append) fails the CRC or
 * lacks its newline and is ignored: the change it describes was not made
 * yet. The first record is a header with the boot id, so that a journal
 * from another boot (IRQ numbers and pids mean nothing there) is set aside
 * rather than replayed.
 */
#ifndef TLBISO_RJOURNAL_H
#define TLBISO_RJOURNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "hk-io.h"
#include "hk-report.h"
#include "path.h"

#define RJ_FILE	  "restore.journal"
#define RJ_SCHEMA "tlbiso.rj/1"

enum rj_op {
	RJ_WRITE,    /* path: old -> new */
	RJ_AFFINITY, /* task pid (with comm): old -> new cpulist */
	RJ_MKDIR,    /* path created; restore removes it */
};

/* How to compare values: the kernel reads back "00000003" for "3", "0-1" for "0,1". */
enum rj_fmt {
	RJ_FMT_STR,	  /* exact text */
	RJ_FMT_CPULIST,	  /* as CPU sets */
	RJ_FMT_CPUMASK,	  /* as CPU sets */
	RJ_FMT_INT,	  /* as integers */
	RJ_FMT_PARTITION, /* first word ("isolated invalid (...)" is still "isolated") */
};

struct rj_record {
	enum rj_op op;
	enum rj_fmt fmt;
	char *path; /* live path, or "task:<pid>:<comm>:affinity" */
	char *old_val;
	char *new_val;
	pid_t pid;     /* RJ_AFFINITY */
	char comm[65]; /* RJ_AFFINITY, as in /proc/<pid>/comm */
};

struct rj_list {
	int n, cap;
	struct rj_record *items;
	char boot_id[64]; /* from the header, "" when none */
	int torn;	  /* trailing line without newline or bad CRC: ignored */
	int corrupt;	  /* bad lines before the last: ignored and reported */
};

struct rj_writer {
	int fd;
	char path[PATH_MAX];
};

/* "<dir>/restore.journal" */
void rj_path(const char *runtime_dir, char *out, size_t outsz);
bool rj_exists(const char *runtime_dir);

/*
 * Open the journal for appending, creating it (with its header) when absent;
 * on creation the directory is fsynced too, so the file survives a crash.
 */
int rj_open(struct rj_writer *w, const char *runtime_dir, const char *boot_id, struct tl_err *e);

/* Append one record and fsync it. Only after this returns 0 may the change be made. */
int rj_append(struct rj_writer *w, const struct rj_record *r, struct tl_err *e);

/* Convenience for the common case: a file write. */
int rj_append_write(struct rj_writer *w, enum rj_fmt fmt, const char *path, const char *old_val,
		    const char *new_val, struct tl_err *e);

void rj_close(struct rj_writer *w);

/* Parse journal text (pure): good records in order, torn/corrupt lines counted. */
int rj_parse(const char *text, size_t len, struct rj_list *l, struct tl_err *e);
int rj_load(const char *file, struct rj_list *l, struct tl_err *e);
void rj_list_free(struct rj_list *l);

/* Whether two values are the same under fmt. */
bool rj_values_equal(enum rj_fmt fmt, const char *a, const char *b);

/*
 * Restore the records in reverse order. A value that is neither ours (new)
 * nor the original (old) was changed by someone else: reported as foreign
 * and left alone. Returns the number of records that failed to restore.
 */
int rj_restore_list(const struct rj_list *l, const struct tl_path *p, const struct hk_io *io,
		    struct hk_report *rep);

/*
 * Restore RUNTIME_DIR/restore.journal if it exists, then remove it. A
 * journal from another boot is renamed to restore.journal.stale; one whose
 * restore had errors to restore.journal.failed, so nothing is lost silently.
 * Returns the number of records restored (0 when there was no journal),
 * or a negative errno when the journal could not be read.
 */
int rj_restore(const char *runtime_dir, const struct tl_path *p, const struct hk_io *io,
	       struct hk_report *rep, struct tl_err *e);

/* The boot id of the system under p ("" when unknown), to stamp and check journals. */
void rj_boot_id(const struct tl_path *p, char *out, size_t outsz);

#endif
