#!/bin/bash
# Fault injection on the control socket of the real tlbisod: clients that
# connect and say nothing, send half a request and stall, or trickle bytes
# without ever ending the line, and more of them than the daemon has slots;
# then requests that must be refused. Meanwhile other clients must be
# answered and the samples must keep advancing; the stalled connections
# must be closed by the daemon after its idle timeout. Speaks TAP; never
# asserts a time: the only bound is a generous one on how long the daemon
# may keep a stalled connection (60 s; its timeout is 5 s).
#
#   fault                                  daemon behaviour checked here
#   -------------------------------------  ----------------------------------------------
#   a client connects and sends nothing    status of another client answered meanwhile;
#                                          samples advance; closed after the idle timeout
#   half a request, then silence           the same
#   a byte every 0.2 s, never a newline    the same: sending does not extend the deadline
#   more stalled clients than slots (20)   a new client is still answered (the oldest
#                                          stalled one makes room); samples advance
#   over 4096 bytes without a newline      "request too long", then served on
#   malformed JSON, an array, an empty     an error reply each ("request is not one JSON
#   line, a NUL byte, a wrong version,     object", "protocol version 9 not supported",
#   an unknown command                     ...), then served on
set -u

# shellcheck source=tests/daemon/lib.sh
. "${top_srcdir:-.}/tests/daemon/lib.sh"
need_tools jq python3
need_daemon
tl_tmpdir tlbisod-sockfaults
cpid=
# the stalling clients go first
cleanup_more() { [ -n "$cpid" ] && kill "$cpid" 2>/dev/null && wait "$cpid" 2>/dev/null; }

# wait_file FILE: poll until FILE exists (bounded).
wait_file() {
	local i
	for i in $(seq 600); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# The stalling clients: python3 CLIENTS_FILE opens the connections given as
# arguments (silent, half, trickle), writes "connected" to $tmp/phase, then
# waits (60 s at most) for the daemon to close each and prints one line per
# connection: "KIND closed" or "KIND open" (still open at the bound). While
# it waits, this script asks for status and watches the samples.
cat >"$tmp/stall.py" <<'EOF'
import os, selectors, socket, sys, time
path, phase, kinds = sys.argv[1], sys.argv[2], sys.argv[3:]
conns = []
for k in kinds:
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    if k == "half":
        s.sendall(b'{"v":1,"cmd":"sta')
    conns.append([k, s, "open"])
with open(phase + ".tmp", "w") as f:
    f.write("connected\n")
os.rename(phase + ".tmp", phase)
sel = selectors.DefaultSelector()
for c in conns:
    c[1].setblocking(False)
    sel.register(c[1], selectors.EVENT_READ, c)
end = time.monotonic() + 60
next_byte = time.monotonic()
while time.monotonic() < end and any(c[2] == "open" for c in conns):
    now = time.monotonic()
    if now >= next_byte:
        for c in conns:
            if c[0] == "trickle" and c[2] == "open":
                try:
                    c[1].send(b"x")
                except OSError:
                    pass
        next_byte = now + 0.2
    for key, _ in sel.select(timeout=0.1):
        c = key.data
        try:
            data = c[1].recv(4096)
        except (BlockingIOError, InterruptedError):
            continue
        except OSError:
            data = b""
        if not data:
            c[2] = "closed"
            sel.unregister(c[1])
        else:
            # a reply to a stalled request would be a bug too: record it
            c[2] = "answered:" + data.decode(errors="replace").strip()
            sel.unregister(c[1])
for c in conns:
    print(c[0], c[2])
EOF

# ask EXPR...: send each raw request (a python bytes expression) on its own connection, print the replies.
ask() {
	python3 - "$run/tlbiso.sock" "$@" <<'EOF'
import socket, sys
for raw in sys.argv[2:]:
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(30)
    s.connect(sys.argv[1])
    try:
        s.sendall(eval(raw))  # test literals written above, not input
        print(s.makefile("rb").readline().decode(errors="replace").strip())
    except OSError as e:
        print("error:", e)
    s.close()
EOF
}

make_sysroot
cat >"$conf" <<EOF
monitor = { interval_ms = 100; };
EOF
start_daemon --sysroot "$sys"
wait_for '.samples >= 1'
check "the daemon answers status" [ "$(jqs .schema)" = tlbiso.status/1 ]

# stall KINDS...: start the stalling clients and wait until they are connected.
stall() {
	rm -f "$tmp/phase" "$tmp/stall.out"
	python3 "$tmp/stall.py" "$run/tlbiso.sock" "$tmp/phase" "$@" >"$tmp/stall.out" 2>&1 &
	cpid=$!
	wait_file "$tmp/phase"
}
# stall_done: wait for the stalling clients to report.
stall_done() {
	wait "$cpid"
	cpid=
}

# --- one silent client, one with half a request, one trickling bytes
stall silent half trickle
check "(three stalled clients connected)" [ "$(cat "$tmp/phase" 2>/dev/null)" = connected ]
s0=$(jqs .samples)
out=$(status 2>&1)
check "another client's status is answered while they stall" \
	[ "$(jq -r .schema <<<"$out" 2>/dev/null)" = tlbiso.status/1 ]
wait_for ".samples >= $((s0 + 5))"
check "... and the samples keep advancing" [ $? -eq 0 ]
stall_done
check "the silent client is closed by the daemon after its idle timeout" \
	grep -qx "silent closed" "$tmp/stall.out"
check "the half request is closed, never answered" grep -qx "half closed" "$tmp/stall.out"
check "the trickling client is closed too (bytes do not extend the deadline)" \
	grep -qx "trickle closed" "$tmp/stall.out"
[ $failed -eq 0 ] || sed 's/^/# stall: /' "$tmp/stall.out"

# --- more stalled clients than the daemon has slots (16)
kinds=()
for i in $(seq 20); do kinds+=(silent); done
stall "${kinds[@]}"
s0=$(jqs .samples)
out=$(status 2>&1)
check "20 silent clients (more than the 16 slots): a new client's status is still answered" \
	[ "$(jq -r .schema <<<"$out" 2>/dev/null)" = tlbiso.status/1 ]
[ "$(jq -r .schema <<<"$out" 2>/dev/null)" = tlbiso.status/1 ] || echo "# tlbisoctl: $out"
wait_for ".samples >= $((s0 + 5))"
check "... and the samples keep advancing" [ $? -eq 0 ]
stall_done
check "... every one of them is closed in the end" \
	[ "$(grep -c '^silent closed$' "$tmp/stall.out")" = 20 ]

# --- requests that must be refused, each on its own connection, then a good one
out=$(ask "b'x' * 5000" "b'not json\\n'" "b'[1,2]\\n'" "b'\\n'" "b'{\"v\":1,\"cmd\":\"st\\x00atus\"}\\n'" \
	"b'{\"v\":9,\"cmd\":\"status\"}\\n'" "b'{\"v\":1,\"cmd\":\"format-disk\"}\\n'" \
	"b'{\"v\":1,\"cmd\":\"status\"}\\n'")
mapfile -t r <<<"$out"
err() { jq -r 'select(.ok == false) | .error' <<<"${r[$1]}" 2>/dev/null; }
check "over 4096 bytes without a newline: \"request too long\"" [ "$(err 0)" = "request too long" ]
check "malformed JSON: an error reply" [ "$(err 1)" = "request is not one JSON object" ]
check "a JSON array: an error reply" grep -q "not .* JSON object" <<<"$(err 2)"
check "an empty line: an error reply" [ -n "$(err 3)" ]
check "a NUL byte inside the request: an error reply" [ -n "$(err 4)" ]
check "an unknown version: an error reply naming it" \
	grep -q '^protocol version 9 not supported' <<<"$(err 5)"
check "an unknown command: an error reply" [ -n "$(err 6)" ]
check "... and a good request after all of them is answered" \
	[ "$(jq -r '.ok' <<<"${r[7]}" 2>/dev/null)" = true ]
[ $failed -eq 0 ] || sed 's/^/# reply: /' <<<"$out"

check "SIGTERM stops the daemon with exit 0" stop_daemon

show_log_on_failure
exit 0
