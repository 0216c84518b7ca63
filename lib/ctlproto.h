/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control protocol between tlbisod and tlbisoctl, both sides in one
 * header. Transport: the stream socket RUNTIME_DIR/tlbiso.sock (mode 0660).
 * A request is one JSON object on one line, a reply likewise:
 *
 *   -> {"v":1,"cmd":"status"}
 *   <- {"v":1,"ok":true,"status":{...tlbiso.status/1...}}
 *   -> {"v":1,"cmd":"reload"}
 *   <- {"v":1,"ok":true} or {"v":1,"ok":false,"error":"file:line: ..."}
 *
 * Requests longer than CTL_REQUEST_MAX, malformed JSON, an unknown version or
 * command get an error reply; the daemon keeps serving. Commands that change
 * state (reload; later restore, apply) need the peer's uid to be 0
 * (SO_PEERCRED).
 */
#ifndef TLBISO_CTLPROTO_H
#define TLBISO_CTLPROTO_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define CTL_VERSION	  1
#define CTL_SOCKET_NAME	  "tlbiso.sock"
#define CTL_REQUEST_MAX	  4096	    /* bytes of one request line, newline included */
#define CTL_REPLY_MAX	  (1 << 20) /* bytes of one reply line the client accepts */
#define CTL_STATUS_SCHEMA "tlbiso.status/1"

/*
 * restore: put back every housekeeping change and stop applying until the
 * next reload (privileged).
 */
enum ctl_cmd { CTL_CMD_STATUS, CTL_CMD_RELOAD, CTL_CMD_RESTORE, CTL_CMD_COUNT };

const char *ctl_cmd_name(enum ctl_cmd c);

/* Does the command change state (needs uid 0)? */
bool ctl_cmd_privileged(enum ctl_cmd c);

/*
 * Parse one request line (without its newline). Returns 0 and the command,
 * or -EINVAL / -EPROTO with a message for the error reply.
 */
int ctl_parse_request(const char *line, size_t len, enum ctl_cmd *cmd, struct tl_err *e);

/* The request line for a command, newline included. */
int ctl_format_request(enum ctl_cmd cmd, char *out, size_t outsz);

/* Reply objects: an error, or success carrying an optional payload under key (ownership taken). */
json_object *ctl_reply_error(const char *msg);
json_object *ctl_reply_ok(const char *key, json_object *payload);

/* Path of the socket in a runtime directory. */
int ctl_socket_path(const char *runtime_dir, char *out, size_t outsz);

/*
 * Client side: connect, send cmd, read one reply line and parse it into
 * *reply (owned by the caller). -ENOENT / -ECONNREFUSED when no daemon runs,
 * -EPROTO for a reply that is not a protocol object.
 */
int ctl_call(const char *runtime_dir, enum ctl_cmd cmd, int timeout_ms, json_object **reply,
	     struct tl_err *e);

#endif
