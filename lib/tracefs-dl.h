/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libtracefs and libtraceevent, loaded when IPI attribution is first used
 * rather than at every start. Attribution is off by default, and mapping the
 * two libraries cost tlbisod 176 KiB of its 4 MiB memory budget (and
 * tlbisoctl two more libraries to load for `check`) for code that never ran.
 * Once loaded they stay (see tl_tracefs_open_lib).
 *
 * The table's members carry the libraries' own names and types (typeof of
 * the declarations in their headers), so a call reads api->tep_alloc() and
 * the compiler still checks every argument against the installed headers.
 */
#ifndef TLBISO_TRACEFS_DL_H
#define TLBISO_TRACEFS_DL_H

#include <event-parse.h>
#include <kbuffer.h>
#include <tracefs.h>

#include "err.h"

/* The ABI the headers describe (the SONAMEs of the libraries built against). */
#define TL_TRACEFS_SONAME    "libtracefs.so.1"
#define TL_TRACEEVENT_SONAME "libtraceevent.so.1"

/* Every function tlbiso calls, from libtraceevent (tep_, kbuffer_) and libtracefs. */
#define TL_TRACEEVENT_SYMS(X)     \
	X(kbuffer_alloc)          \
	X(kbuffer_event_size)     \
	X(kbuffer_free)           \
	X(kbuffer_load_subbuffer) \
	X(kbuffer_next_event)     \
	X(kbuffer_read_event)     \
	X(tep_alloc)              \
	X(tep_data_pid)           \
	X(tep_data_type)          \
	X(tep_find_event)         \
	X(tep_find_event_by_name) \
	X(tep_find_field)         \
	X(tep_free)               \
	X(tep_get_field_raw)      \
	X(tep_get_long_size)      \
	X(tep_parse_event)        \
	X(tep_parse_header_page)  \
	X(tep_read_number_field)

#define TL_TRACEFS_SYMS(X)                  \
	X(tracefs_dynevent_create)          \
	X(tracefs_dynevent_destroy)         \
	X(tracefs_dynevent_free)            \
	X(tracefs_dynevent_get_all)         \
	X(tracefs_dynevent_get_event)       \
	X(tracefs_dynevent_info)            \
	X(tracefs_dynevent_list_free)       \
	X(tracefs_event_enable)             \
	X(tracefs_event_file_exists)        \
	X(tracefs_event_file_read)          \
	X(tracefs_event_file_write)         \
	X(tracefs_instance_alloc)           \
	X(tracefs_instance_create)          \
	X(tracefs_instance_destroy)         \
	X(tracefs_instance_exists)          \
	X(tracefs_instance_file_read)       \
	X(tracefs_instance_file_write)      \
	X(tracefs_instance_free)            \
	X(tracefs_instance_get_file)        \
	X(tracefs_instance_get_name)        \
	X(tracefs_instance_set_buffer_size) \
	X(tracefs_instances_walk)           \
	X(tracefs_kprobe_alloc)             \
	X(tracefs_put_tracing_file)         \
	X(tracefs_tracing_dir)

#define TL_TRACEFS_MEMBER(f) __typeof__(f) *f;

struct tl_tracefs {
	void *traceevent, *tracefs; /* dlopen handles */
	TL_TRACEEVENT_SYMS(TL_TRACEFS_MEMBER)
	TL_TRACEFS_SYMS(TL_TRACEFS_MEMBER)
};

/* Load both libraries and resolve every function; on failure nothing stays loaded. */
int tl_tracefs_load(struct tl_tracefs *api, struct tl_err *e);

/* The same from the given library names (tests name one that does not exist). */
int tl_tracefs_load_from(struct tl_tracefs *api, const char *traceevent, const char *tracefs,
			 struct tl_err *e);

/* Drop this table's handles; the libraries stay mapped for the next user. */
void tl_tracefs_unload(struct tl_tracefs *api);

#endif
