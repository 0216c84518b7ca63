// SPDX-License-Identifier: GPL-2.0-or-later
/* Loading libtracefs and libtraceevent on first use; see tracefs-dl.h. */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <string.h>

#include "tracefs-dl.h"

/* Resolve one symbol into the table; dlerror() says which one is missing. */
#define TL_TRACEFS_RESOLVE(f)                                    \
	if (r == 0 && !(api->f = (__typeof__(f) *)dlsym(h, #f))) \
		r = tl_err_set(e, ENOENT, "%s: %s", soname, dlerror());

/*
 * Open one library; RTLD_LOCAL keeps its symbols out of the global
 * namespace. RTLD_NODELETE keeps it mapped after the last dlclose():
 * libtracefs caches what it found (the tracing directory) in its static
 * data, and unmapping that would turn the cache into a leak.
 */
static void *tl_tracefs_open_lib(const char *soname, struct tl_err *e)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);

	if (!h)
		tl_err_set(e, ENOENT, "IPI attribution needs %s: %s", soname, dlerror());
	return h;
}

/* Resolve the libtraceevent half. */
static int tl_traceevent_resolve(struct tl_tracefs *api, void *h, const char *soname,
				 struct tl_err *e)
{
	int r = 0;

	TL_TRACEEVENT_SYMS(TL_TRACEFS_RESOLVE)
	return r;
}

/* Resolve the libtracefs half. */
static int tl_tracefs_resolve(struct tl_tracefs *api, void *h, const char *soname, struct tl_err *e)
{
	int r = 0;

	TL_TRACEFS_SYMS(TL_TRACEFS_RESOLVE)
	return r;
}

int tl_tracefs_load_from(struct tl_tracefs *api, const char *traceevent, const char *tracefs,
			 struct tl_err *e)
{
	memset(api, 0, sizeof(*api));
	api->traceevent = tl_tracefs_open_lib(traceevent, e);
	if (!api->traceevent)
		return -ENOENT;
	api->tracefs = tl_tracefs_open_lib(tracefs, e);
	if (!api->tracefs || tl_traceevent_resolve(api, api->traceevent, traceevent, e) < 0 ||
	    tl_tracefs_resolve(api, api->tracefs, tracefs, e) < 0) {
		tl_tracefs_unload(api);
		return -ENOENT;
	}
	return 0;
}

int tl_tracefs_load(struct tl_tracefs *api, struct tl_err *e)
{
	return tl_tracefs_load_from(api, TL_TRACEEVENT_SONAME, TL_TRACEFS_SONAME, e);
}

void tl_tracefs_unload(struct tl_tracefs *api)
{
	if (api->tracefs)
		dlclose(api->tracefs);
	if (api->traceevent)
		dlclose(api->traceevent);
	memset(api, 0, sizeof(*api));
}
