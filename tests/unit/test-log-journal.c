// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The journal sink against a real datagram socket playing journald: the
 * native protocol's framing byte by byte, the sealed memfd for large
 * entries, stderr when nobody listens, dropping when the journal is full.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"

#define MSGID "MESSAGE_ID=0b3c1e9d4a6f4e2a8c5d7b9e1f203a41"
#define SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)

struct fixture {
	char dir[64];
	char path[100]; /* fits sun_path */
	int fd;		/* the receiver, playing journald */
	struct tl_journal j;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/tlbiso-journal-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/socket", fx->dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", fx->path);
	fx->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	assert_true(fx->fd >= 0);
	assert_int_equal(bind(fx->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	tl_journal_init(&fx->j, fx->path);
	/* A sink that blocked would hang the test: fail it instead. */
	alarm(60);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	alarm(0);
	tl_journal_close(&fx->j);
	close(fx->fd);
	unlink(fx->path);
	rmdir(fx->dir);
	unsetenv("JOURNAL_STREAM");
	free(fx);
	return 0;
}

/* One parsed field of an entry. */
struct field {
	char key[64];
	const char *val;
	size_t len;
	bool binary;
};

/* Parse an entry as journald does; returns the number of fields, fails on bad framing. */
static int parse_entry(const char *p, size_t n, struct field *f, int max)
{
	const char *end = p + n;
	int k = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eq;

		assert_non_null(nl);
		assert_true(k < max);
		eq = memchr(p, '=', (size_t)(nl - p));
		if (eq) {
			f[k] = (struct field){.val = eq + 1, .len = (size_t)(nl - eq - 1)};
			snprintf(f[k].key, sizeof(f[k].key), "%.*s", (int)(eq - p), p);
			p = nl + 1;
		} else {
			uint64_t len = 0;

			/* KEY\n, 64-bit little-endian length, the value, \n. */
			snprintf(f[k].key, sizeof(f[k].key), "%.*s", (int)(nl - p), p);
			assert_true(end - (nl + 1) >= 8);
			for (int i = 0; i < 8; i++)
				len |= (uint64_t)(unsigned char)nl[1 + i] << (8 * i);
			f[k].val = nl + 9;
			f[k].len = (size_t)len;
			f[k].binary = true;
			assert_true((size_t)(end - f[k].val) >= len + 1);
			assert_int_equal(f[k].val[len], '\n');
			p = f[k].val + len + 1;
		}
		k++;
	}
	return k;
}

static void assert_field(const struct field *f, const char *key, const char *val, bool binary)
{
	assert_string_equal(f->key, key);
	assert_int_equal(f->len, strlen(val));
	assert_memory_equal(f->val, val, f->len);
	assert_int_equal(f->binary, binary);
}

static void test_fields(void **state)
{
	struct fixture *fx = *state;
	const char *fields[] = {MSGID,
				"TLBISO_CPU=3",
				"TLBISO_DETAIL=line one\nline two",
				"no equals sign",
				"TLBISO_EMPTY=",
				NULL};
	const char expect[] = "MESSAGE=TLB flushes reached isolated CPU 3\n"
			      "PRIORITY=4\n" MSGID "\n"
			      "TLBISO_CPU=3\n"
			      "TLBISO_DETAIL\n"
			      "\x11\0\0\0\0\0\0\0"
			      "line one\nline two\n"
			      "TLBISO_EMPTY=\n";
	struct field f[8];
	char buf[1024];
	ssize_t n;

	assert_int_equal(
		tl_journal_send(&fx->j, LOG_WARNING, fields, "TLB flushes reached isolated CPU 3"),
		0);
	n = recv(fx->fd, buf, sizeof(buf), 0);
	assert_int_equal(n, sizeof(expect) - 1);
	assert_memory_equal(buf, expect, sizeof(expect) - 1);
	assert_int_equal(parse_entry(buf, (size_t)n, f, 8), 6);
	assert_field(&f[0], "MESSAGE", "TLB flushes reached isolated CPU 3", false);
	assert_field(&f[1], "PRIORITY", "4", false);
	assert_field(&f[2], "MESSAGE_ID", MSGID + strlen("MESSAGE_ID="), false);
	assert_field(&f[3], "TLBISO_CPU", "3", false);
	assert_field(&f[4], "TLBISO_DETAIL", "line one\nline two", true);
	assert_field(&f[5], "TLBISO_EMPTY", "", false);
	assert_int_equal(fx->j.sent, 1);
	assert_int_equal(fx->j.dropped, 0);
}

/* Point JOURNAL_STREAM at whatever stderr is now, as systemd does. */
static void stream_is_stderr(void)
{
	struct stat st;
	char v[64];

	assert_int_equal(fstat(STDERR_FILENO, &st), 0);
	snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	assert_int_equal(setenv("JOURNAL_STREAM", v, 1), 0);
}

static void test_logger(void **state)
{
	struct fixture *fx = *state;
	const char *fields[] = {MSGID, NULL};
	struct tl_logger log;
	struct field f[4];
	char buf[1024];
	ssize_t n;

	tl_log_init(&log, "tlbisod-test", false);
	unsetenv("JOURNAL_STREAM");
	assert_false(tl_log_use_journal(&log, &fx->j));
	assert_null(log.sink);
	stream_is_stderr();
	assert_true(tl_log_use_journal(&log, &fx->j));
	/* A refused reload's message spans lines: it needs the binary framing. */
	tl_log_fields(&log, LOG_ERR, fields, "reload refused:\n%s:%d: syntax error", "t.conf", 7);
	n = recv(fx->fd, buf, sizeof(buf), 0);
	assert_true(n > 0);
	assert_int_equal(parse_entry(buf, (size_t)n, f, 4), 3);
	assert_field(&f[0], "MESSAGE", "reload refused:\nt.conf:7: syntax error", true);
	assert_field(&f[1], "PRIORITY", "3", false);
	assert_field(&f[2], "MESSAGE_ID", MSGID + strlen("MESSAGE_ID="), false);
	/* Below max_prio: nothing sent. */
	tl_log(&log, LOG_DEBUG, "not shown");
	assert_int_equal(recv(fx->fd, buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
}

/* Receive one datagram that must carry exactly one fd and no bytes; returns the fd. */
static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], c;
	struct iovec iov = {&c, 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *cm;
	int fd;

	assert_int_equal(recvmsg(sock, &mh, MSG_CMSG_CLOEXEC), 0);
	cm = CMSG_FIRSTHDR(&mh);
	assert_non_null(cm);
	assert_int_equal(cm->cmsg_level, SOL_SOCKET);
	assert_int_equal(cm->cmsg_type, SCM_RIGHTS);
	assert_int_equal(cm->cmsg_len, CMSG_LEN(sizeof(int)));
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static void test_memfd(void **state)
{
	struct fixture *fx = *state;
	int probe = socket(AF_UNIX, SOCK_DGRAM, 0), sndbuf = 0, mfd;
	socklen_t sl = sizeof(sndbuf);
	const char *fields[3];
	char *big, *bigline, *content;
	size_t vlen;
	struct field f[4];
	struct stat st;

	/* A value larger than any datagram the sink's socket may send (EMSGSIZE). */
	assert_int_equal(getsockopt(probe, SOL_SOCKET, SO_SNDBUF, &sndbuf, &sl), 0);
	close(probe);
	vlen = (size_t)sndbuf * 2 + 4096;
	big = malloc(vlen + 16);
	bigline = malloc(vlen + 16);
	memcpy(big, "TLBISO_BIG=", 11);
	memset(big + 11, 'x', vlen);
	big[11 + vlen] = '\0';
	memcpy(bigline, "TLBISO_LINES=", 13);
	memset(bigline + 13, 'y', vlen);
	bigline[13 + vlen / 2] = '\n';
	bigline[13 + vlen] = '\0';
	fields[0] = big;
	fields[1] = bigline;
	fields[2] = NULL;
	assert_int_equal(tl_journal_send(&fx->j, LOG_INFO, fields, "large"), 0);
	assert_int_equal(fx->j.sent, 1);
	mfd = recv_fd(fx->fd);
	assert_int_equal(fcntl(mfd, F_GET_SEALS), SEALS);
	assert_int_equal(fstat(mfd, &st), 0);
	content = malloc((size_t)st.st_size);
	assert_int_equal(pread(mfd, content, (size_t)st.st_size, 0), st.st_size);
	assert_int_equal(parse_entry(content, (size_t)st.st_size, f, 4), 4);
	assert_field(&f[0], "MESSAGE", "large", false);
	assert_field(&f[1], "PRIORITY", "6", false);
	assert_field(&f[2], "TLBISO_BIG", big + 11, false);
	assert_field(&f[3], "TLBISO_LINES", bigline + 13, true);
	/* Sealed: the journal reads what was written, nobody can change it. */
	assert_int_equal(pwrite(mfd, "z", 1, 0), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(ftruncate(mfd, 0), -1);
	close(mfd);
	free(content);
	free(big);
	free(bigline);
}

static void test_no_journal(void **state)
{
	struct fixture *fx = *state;
	const char *fields[] = {MSGID, "TLBISO_CPU=2", NULL};
	char tmp[160], missing[160], out[512];
	struct tl_logger log;
	struct tl_journal j;
	int saved, fd;
	ssize_t n;

	snprintf(missing, sizeof(missing), "%s/absent", fx->dir);
	tl_journal_init(&j, missing);
	assert_int_equal(tl_journal_send(&j, LOG_INFO, fields, "x"), -ENOENT);
	/* Through the logger: stderr gets the entry, fields appended. */
	snprintf(tmp, sizeof(tmp), "%s/stderr", fx->dir);
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	stream_is_stderr();
	tl_log_init(&log, "tlbisod-test", false);
	assert_true(tl_log_use_journal(&log, &j));
	tl_log_fields(&log, LOG_WARNING, fields, "deferral lost on CPU %d", 2);
	fflush(stderr);
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	n = pread(fd, out, sizeof(out) - 1, 0);
	assert_true(n > 0);
	out[n] = '\0';
	assert_string_equal(out, "tlbisod-test: warning: deferral lost on CPU 2 [" MSGID
				 " TLBISO_CPU=2]\n");
	assert_int_equal(j.sent, 0);
	assert_int_equal(j.dropped, 0);
	close(fd);
	unlink(tmp);
	tl_journal_close(&j);
}

static void test_backed_up(void **state)
{
	struct fixture *fx = *state;
	const char *fields[] = {MSGID, NULL};
	int tiny = 1, entries = 500, r;
	char buf[512];

	/* A journal that never reads: its queue fills, the sink must not wait. */
	assert_int_equal(setsockopt(fx->fd, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof(tiny)), 0);
	for (int i = 0; i < entries; i++) {
		r = tl_journal_send(&fx->j, LOG_NOTICE, fields, "alert storm");
		assert_int_equal(r, 0);
	}
	assert_true(fx->j.dropped > 0);
	assert_int_equal(fx->j.sent + fx->j.dropped, (unsigned long)entries);
	/* Once the journal catches up, entries flow again. */
	while (recv(fx->fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	assert_int_equal(tl_journal_send(&fx->j, LOG_NOTICE, fields, "recovered"), 0);
	assert_int_equal(recv(fx->fd, buf, sizeof(buf), MSG_DONTWAIT) > 0, 1);
	assert_int_equal(fx->j.sent + fx->j.dropped, (unsigned long)entries + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_logger, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memfd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backed_up, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
