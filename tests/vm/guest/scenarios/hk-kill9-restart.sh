# shellcheck shell=sh
# hk-kill9-restart - tlbisod killed with SIGKILL while housekeeping is
# applied leaves its journal; the next start replays it (restores every
# original) before it applies anything, and its SIGTERM then restores
# every value byte for byte.

# shellcheck source=../lib.sh
. /usr/lib/tlbiso-vm/lib.sh
# shellcheck source=../daemon.sh
. /usr/lib/tlbiso-vm/daemon.sh
# shellcheck source=../hk-lib.sh
. /usr/lib/tlbiso-vm/hk-lib.sh
need tlbisoctl tlbisod

# first_line PATTERN: line number of the first log line matching, or 99999.
first_line() { grep -n "$1" "$DAEMON_LOG" | sed -n '1s/:.*//p' | grep . || echo 99999; }

fresh_state
hk_conf
hk_snapshot /tmp/hk.before
if ! daemon_start "$HK_CONF" || ! poll 10 100000 hk_applied; then
	not_ok "tlbisod applies housekeeping"
	daemon_stop
	exit 0
fi
kill -9 "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=
hk_snapshot /tmp/hk.applied
if [ -s "$HK_JOURNAL" ] && ! cmp -s /tmp/hk.before /tmp/hk.applied; then
	ok "killed while applied: values changed, journal left behind"
else
	not_ok "killed while applied: values changed, journal left behind"
fi

if ! daemon_start "$HK_CONF"; then
	not_ok "tlbisod restarts after kill -9"
	exit 0
fi
check "the restart applies housekeeping again" poll 10 100000 hk_applied
replay=$(first_line 'replayed a journal left by a crash')
applied=$(first_line 'housekeeping applied ')
diag "log line of the replay: $replay, of the first apply: $applied"
check "the restart replays the journal first (logged before any apply)" \
	[ "$replay" -lt 99999 -a "$replay" -lt "$applied" ]
daemon_stop
hk_snapshot /tmp/hk.after
check "SIGTERM after the restart restores every value byte for byte" \
	hk_same /tmp/hk.before /tmp/hk.after
check "and removes the journal" [ ! -e "$HK_JOURNAL" ]
