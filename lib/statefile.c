// SPDX-License-Identifier: GPL-2.0-or-later
/* The state file that remembers deferral across boots; see statefile.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "path.h"
#include "statefile.h"

/* Copy a string member into out; false when absent or not a string. */
static bool get_str(json_object *o, const char *key, char *out, size_t outsz)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return false;
	snprintf(out, outsz, "%s", json_object_get_string(v));
	return true;
}

/* Fill r from the "last" object of a parsed state file. */
static int state_from_json(json_object *root, struct state_record *r)
{
	json_object *last, *exp;
	char schema[32];

	if (!get_str(root, "schema", schema, sizeof(schema)) || strcmp(schema, STATE_SCHEMA))
		return -EINVAL;
	if (!json_object_object_get_ex(root, "last", &last))
		return -EINVAL;
	if (!get_str(last, "release", r->release, sizeof(r->release)) ||
	    !get_str(last, "mechanism", r->mechanism, sizeof(r->mechanism)) ||
	    !json_object_object_get_ex(last, "deferral_expected", &exp) ||
	    !json_object_is_type(exp, json_type_boolean))
		return -EINVAL;
	if (!get_str(last, "boot_id", r->boot_id, sizeof(r->boot_id)))
		r->boot_id[0] = '\0';
	if (!get_str(last, "lost_from", r->lost_from, sizeof(r->lost_from)))
		r->lost_from[0] = '\0';
	r->deferral_expected = json_object_get_boolean(exp);
	return 0;
}

int state_read(const char *state_dir, struct state_record *r, struct tl_err *e)
{
	char path[PATH_MAX];
	json_object *root;
	int ret;

	snprintf(path, sizeof(path), "%s/state", state_dir);
	if (access(path, F_OK) < 0)
		return tl_err_sys(e, errno, "%s", path);
	root = json_object_from_file(path);
	if (!root)
		return tl_err_set(e, EINVAL, "%s: not JSON", path);
	memset(r, 0, sizeof(*r));
	ret = state_from_json(root, r);
	json_object_put(root);
	if (ret < 0)
		return tl_err_set(e, EINVAL, "%s: not a %s file", path, STATE_SCHEMA);
	return 0;
}

int state_write(const char *state_dir, const struct state_record *r, struct tl_err *e)
{
	json_object *root, *last;
	char path[PATH_MAX];
	const char *text;
	int ret;

	if (mkdir(state_dir, 0755) < 0 && errno != EEXIST)
		return tl_err_sys(e, errno, "%s", state_dir);
	root = json_object_new_object();
	last = json_object_new_object();
	json_object_object_add(last, "release", json_object_new_string(r->release));
	json_object_object_add(last, "boot_id", json_object_new_string(r->boot_id));
	json_object_object_add(last, "deferral_expected",
			       json_object_new_boolean(r->deferral_expected));
	json_object_object_add(last, "mechanism", json_object_new_string(r->mechanism));
	if (r->lost_from[0])
		json_object_object_add(last, "lost_from", json_object_new_string(r->lost_from));
	json_object_object_add(root, "schema", json_object_new_string(STATE_SCHEMA));
	json_object_object_add(root, "last", last);
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
							    JSON_C_TO_STRING_NOSLASHESCAPE);
	snprintf(path, sizeof(path), "%s/state", state_dir);
	ret = tl_write_atomic(path, text, strlen(text), 0644, e);
	json_object_put(root);
	return ret;
}

bool state_lost_deferral(const struct state_record *prev, struct state_record *cur)
{
	if (cur->deferral_expected)
		return false;
	if (prev->deferral_expected) {
		snprintf(cur->lost_from, sizeof(cur->lost_from), "%s", prev->mechanism);
		return true;
	}
	if (prev->lost_from[0] && prev->boot_id[0] && !strcmp(prev->boot_id, cur->boot_id)) {
		snprintf(cur->lost_from, sizeof(cur->lost_from), "%s", prev->lost_from);
		return true;
	}
	return false;
}
