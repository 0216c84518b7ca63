// SPDX-License-Identifier: GPL-2.0-or-later
/* systemd's notify protocol against a real datagram socket, and the watchdog variables. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "sdnotify.h"

struct fixture {
	char dir[64];
	char path[100]; /* fits sun_path */
	int fd;		/* the receiver, playing systemd */
};

/* Bind a datagram receiver at addr (sun_path[0] == '\0' for an abstract name). */
static int bind_dgram(const struct sockaddr_un *sa, socklen_t len)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (const struct sockaddr *)sa, len), 0);
	return fd;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/tlbiso-notify-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/notify", fx->dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", fx->path);
	fx->fd = bind_dgram(&sa, sizeof(sa));
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	close(fx->fd);
	unlink(fx->path);
	rmdir(fx->dir);
	unsetenv("NOTIFY_SOCKET");
	free(fx);
	return 0;
}

/* The one datagram waiting on fd, NUL-terminated; its length. */
static ssize_t recv_one(int fd, char *buf, size_t size)
{
	ssize_t n = recv(fd, buf, size - 1, 0);

	assert_true(n >= 0);
	buf[n] = '\0';
	return n;
}

/* Nothing more waits on fd: each notification is exactly one datagram. */
static void assert_empty(int fd)
{
	char c;

	assert_int_equal(recv(fd, &c, 1, MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
}

static void test_path_socket(void **state)
{
	struct fixture *fx = *state;
	const char *msg = "READY=1\nSTATUS=monitoring 3 isolated CPUs";
	char buf[256];

	assert_int_equal(setenv("NOTIFY_SOCKET", fx->path, 1), 0);
	assert_int_equal(tl_sd_notify(getenv("NOTIFY_SOCKET"), msg), 1);
	assert_int_equal(recv_one(fx->fd, buf, sizeof(buf)), (ssize_t)strlen(msg));
	assert_memory_equal(buf, msg, strlen(msg));
	assert_empty(fx->fd);
	/* The variable stays: the daemon keeps notifying after READY=1. */
	assert_string_equal(getenv("NOTIFY_SOCKET"), fx->path);
}

static void test_printf(void **state)
{
	struct fixture *fx = *state;
	char buf[256];

	assert_int_equal(tl_sd_notifyf(fx->path, "RELOADING=1\nMONOTONIC_USEC=%llu", 12345ULL), 1);
	recv_one(fx->fd, buf, sizeof(buf));
	assert_string_equal(buf, "RELOADING=1\nMONOTONIC_USEC=12345");
	assert_int_equal(tl_sd_notifyf(fx->path, "STATUS=%5000s", "x"), -EMSGSIZE);
	assert_empty(fx->fd);
}

static void test_abstract(void **state)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char name[64], buf[64];
	int n, fd;

	(void)state;
	/* "@name": the abstract namespace, addressed by exactly its bytes, no NUL. */
	n = snprintf(name, sizeof(name), "@tlbiso-notify-test-%d", (int)getpid());
	memcpy(sa.sun_path + 1, name + 1, (size_t)n - 1);
	fd = bind_dgram(&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)n));
	assert_int_equal(tl_sd_notify(name, "WATCHDOG=1"), 1);
	recv_one(fd, buf, sizeof(buf));
	assert_string_equal(buf, "WATCHDOG=1");
	close(fd);
	/* Nobody bound there now. */
	assert_int_equal(tl_sd_notify(name, "WATCHDOG=1"), -ECONNREFUSED);
}

static void test_unset(void **state)
{
	struct fixture *fx = *state;

	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(tl_sd_notify(getenv("NOTIFY_SOCKET"), "READY=1"), 0);
	assert_int_equal(tl_sd_notify("", "READY=1"), 0);
	assert_int_equal(tl_sd_notifyf(NULL, "STATUS=%s", "x"), 0);
	assert_empty(fx->fd);
}

static void test_errors(void **state)
{
	struct fixture *fx = *state;
	char missing[160];

	snprintf(missing, sizeof(missing), "%s/absent", fx->dir);
	assert_int_equal(tl_sd_notify(missing, "READY=1"), -ENOENT);
	assert_int_equal(tl_sd_notify("relative/path", "READY=1"), -EAFNOSUPPORT);
	assert_int_equal(tl_sd_notify("@", "READY=1"), -EINVAL);
	assert_empty(fx->fd);
}

static void test_watchdog(void **state)
{
	uint64_t usec = 7;

	(void)state;
	assert_int_equal(tl_sd_watchdog(NULL, NULL, 100, &usec), 0);
	assert_int_equal(usec, 7);
	assert_int_equal(tl_sd_watchdog("30000000", NULL, 100, &usec), 1);
	assert_int_equal(usec, 30000000);
	usec = 7;
	/* WATCHDOG_PID names another process (a child that inherited it): not ours. */
	assert_int_equal(tl_sd_watchdog("30000000", "99", 100, &usec), 0);
	assert_int_equal(usec, 7);
	assert_int_equal(tl_sd_watchdog("5000000", "100", 100, &usec), 1);
	assert_int_equal(usec, 5000000);
	/* WATCHDOG_PID alone does not enable anything. */
	assert_int_equal(tl_sd_watchdog(NULL, "100", 100, &usec), 0);
}

static void test_watchdog_malformed(void **state)
{
	const char *bad_usec[] = {"",
				  "0",
				  "-5",
				  " 5",
				  "5 ",
				  "5s",
				  "0x10",
				  "abc",
				  "18446744073709551615",
				  "18446744073709551616"};
	const char *bad_pid[] = {"", "0", "-1", "12a", "99999999999"};
	uint64_t usec = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_usec) / sizeof(bad_usec[0]); i++)
		assert_int_equal(tl_sd_watchdog(bad_usec[i], NULL, 100, &usec), -EINVAL);
	for (size_t i = 0; i < sizeof(bad_pid) / sizeof(bad_pid[0]); i++)
		assert_int_equal(tl_sd_watchdog("1000", bad_pid[i], 100, &usec), -EINVAL);
	assert_int_equal(usec, 7);
	/* The largest finite value is accepted. */
	assert_int_equal(tl_sd_watchdog("18446744073709551614", NULL, 1, &usec), 1);
	assert_true(usec == UINT64_MAX - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_path_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_printf, setup, teardown),
		cmocka_unit_test(test_abstract),
		cmocka_unit_test_setup_teardown(test_unset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test(test_watchdog),
		cmocka_unit_test(test_watchdog_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
