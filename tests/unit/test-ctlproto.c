// SPDX-License-Identifier: GPL-2.0-or-later
/* The control protocol's request parser, and the state file of the daemon. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctlproto.h"
#include "statefile.h"

static int parse(const char *s, enum ctl_cmd *cmd, struct tl_err *e)
{
	return ctl_parse_request(s, strlen(s), cmd, e);
}

static void test_good_requests(void **state)
{
	struct tl_err e = {0};
	enum ctl_cmd cmd;
	char line[64];

	assert_int_equal(parse("{\"v\":1,\"cmd\":\"status\"}", &cmd, &e), 0);
	assert_int_equal(cmd, CTL_CMD_STATUS);
	assert_int_equal(parse(" {\"cmd\":\"reload\", \"v\":1}\r", &cmd, &e), 0);
	assert_int_equal(cmd, CTL_CMD_RELOAD);
	assert_true(ctl_cmd_privileged(CTL_CMD_RELOAD));
	assert_false(ctl_cmd_privileged(CTL_CMD_STATUS));
	assert_true(ctl_cmd_privileged(CTL_CMD_RESTORE));
	/* what the client formats, the server parses */
	assert_true(ctl_format_request(CTL_CMD_RELOAD, line, sizeof(line)) > 0);
	assert_int_equal(parse(strtok(line, "\n"), &cmd, &e), 0);
	assert_int_equal(cmd, CTL_CMD_RELOAD);
}

static void test_bad_requests(void **state)
{
	struct tl_err e = {0};
	enum ctl_cmd cmd;
	char *big;

	assert_int_equal(parse("{\"v\":2,\"cmd\":\"status\"}", &cmd, &e), -EPROTO);
	assert_non_null(strstr(e.msg, "version 2"));
	assert_int_equal(parse("{\"cmd\":\"status\"}", &cmd, &e), -EPROTO);
	assert_int_equal(parse("{\"v\":1,\"cmd\":\"format-disk\"}", &cmd, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "unknown command"));
	assert_int_equal(parse("{\"v\":1,\"cmd\":\"status\"", &cmd, &e), -EINVAL);
	assert_int_equal(parse("{\"v\":1,\"cmd\":\"status\"} {}", &cmd, &e), -EINVAL);
	assert_int_equal(parse("[1,2]", &cmd, &e), -EINVAL);
	assert_int_equal(parse("", &cmd, &e), -EINVAL);
	assert_int_equal(parse("{\"v\":\"1\",\"cmd\":\"status\"}", &cmd, &e), -EPROTO);
	assert_int_equal(parse("{\"v\":1,\"cmd\":7}", &cmd, &e), -EINVAL);
	big = malloc(CTL_REQUEST_MAX + 10);
	memset(big, ' ', CTL_REQUEST_MAX + 9);
	big[CTL_REQUEST_MAX + 9] = '\0';
	assert_int_equal(parse(big, &cmd, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "longer than"));
	free(big);
}

static void test_replies(void **state)
{
	json_object *o = ctl_reply_error("nope"), *v;

	assert_true(json_object_object_get_ex(o, "ok", &v));
	assert_false(json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(o, "v", &v));
	assert_int_equal(json_object_get_int(v), CTL_VERSION);
	json_object_put(o);
	o = ctl_reply_ok("status", json_object_new_object());
	assert_true(json_object_object_get_ex(o, "status", &v));
	json_object_put(o);
}

/* No daemon: the client says so with -ENOENT, which the verbs turn into exit 3. */
static void test_call_without_daemon(void **state)
{
	struct tl_err e = {0};
	json_object *r = NULL;

	assert_int_equal(ctl_call("/nonexistent-dir", CTL_CMD_STATUS, 100, &r, &e), -ENOENT);
	assert_null(r);
}

static void test_state_roundtrip(void **state)
{
	char dir[] = "/tmp/tlbiso-state-XXXXXX", path[64];
	struct state_record a = {0}, b = {0}, c = {0};
	struct tl_err e = {0};

	assert_non_null(mkdtemp(dir));
	assert_int_equal(state_read(dir, &b, &e), -ENOENT);
	snprintf(a.release, sizeof(a.release), "6.18.0-coalesce");
	snprintf(a.boot_id, sizeof(a.boot_id), "boot-1");
	snprintf(a.mechanism, sizeof(a.mechanism), "coalesce_tlbi");
	a.deferral_expected = true;
	assert_int_equal(state_write(dir, &a, &e), 0);
	assert_int_equal(state_read(dir, &b, &e), 0);
	assert_string_equal(b.release, a.release);
	assert_true(b.deferral_expected);
	/* the next boot lost it */
	snprintf(c.boot_id, sizeof(c.boot_id), "boot-2");
	snprintf(c.mechanism, sizeof(c.mechanism), "none");
	assert_true(state_lost_deferral(&b, &c));
	assert_string_equal(c.lost_from, "coalesce_tlbi");
	assert_int_equal(state_write(dir, &c, &e), 0);
	/* a daemon restarted in the same boot still knows */
	memset(&b, 0, sizeof(b));
	assert_int_equal(state_read(dir, &b, &e), 0);
	memset(c.lost_from, 0, sizeof(c.lost_from));
	assert_true(state_lost_deferral(&b, &c));
	/* a later boot without deferral, having been told once, is quiet */
	snprintf(c.boot_id, sizeof(c.boot_id), "boot-3");
	c.lost_from[0] = '\0';
	assert_false(state_lost_deferral(&b, &c));
	snprintf(path, sizeof(path), "%s/state", dir);
	unlink(path);
	rmdir(dir);
}

static void test_state_garbage(void **state)
{
	char dir[] = "/tmp/tlbiso-state-XXXXXX", path[64];
	struct state_record b;
	struct tl_err e = {0};
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state", dir);
	f = fopen(path, "w");
	fputs("{\"schema\":\"other/1\"}", f);
	fclose(f);
	assert_int_equal(state_read(dir, &b, &e), -EINVAL);
	unlink(path);
	rmdir(dir);
	/* a state dir that cannot be created is an error the daemon turns into degraded mode */
	assert_true(state_write("/proc/self/tlbiso-no", &b, &e) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_requests),	cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_replies),		cmocka_unit_test(test_call_without_daemon),
		cmocka_unit_test(test_state_roundtrip), cmocka_unit_test(test_state_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
