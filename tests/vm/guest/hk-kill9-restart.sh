#!/usr/bin/env bash
# kill -9 while applied, then a restart: the journal is replayed first and
# every original comes back before anything new is applied.
. "$(dirname "$0")/hk-lib.sh"
hk_guard
echo "1..3"
hk_snapshot "$tmp/before"
hk_start 500
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
hk_snapshot "$tmp/applied"
if [ -s "$run/restore.journal" ] && ! hk_same "$tmp/before" "$tmp/applied" >/dev/null; then
	echo "ok 1 - killed while applied: values changed, journal left behind"
else
	echo "not ok 1 - killed while applied: values changed, journal left behind"
fi
"$killer" replay --sysroot / --runtime-dir "$run" --isolate "$iso" --housekeeping "$hk" \
	2>"$tmp/replay.log"
hk_snapshot "$tmp/after"
hk_same "$tmp/before" "$tmp/after" && [ ! -e "$run/restore.journal" ] &&
	echo "ok 2 - the restart restored every value byte for byte" ||
	echo "not ok 2 - the restart restored every value byte for byte"
grep -q '^info journal .*replayed a journal left by a crash' "$tmp/replay.log" &&
	echo "ok 3 - the replay is logged" || echo "not ok 3 - the replay is logged"
