# shellcheck shell=sh
# daemon.sh - start, query and stop tlbisod for the daemon-* scenarios
# (busybox sh, sourced after lib.sh).
#
# Contract used: "tlbisoctl status --json --runtime-dir DIR" prints
# tlbiso.status/1 JSON and exits 3 when no daemon is running.  Queries
# use jq with "// empty"-style defaults so extra fields never matter.

DAEMON_PID=
DAEMON_LOG=/tmp/tlbisod.log

# write_conf NAME TEXT: a config file under /etc/tlbiso.
write_conf() {
	mkdir -p /etc/tlbiso
	printf '%s\n' "$2" >"/etc/tlbiso/$1"
}

# status FILE: current status JSON into FILE; the exit code of tlbisoctl.
status() {
	tlbisoctl status --json --runtime-dir "$TLBISO_RUNDIR" >"$1" 2>/dev/null
}

# status_ok: the daemon answers (anything but "not running").
status_ok() {
	status /tmp/status.probe
	[ $? -ne 3 ] && jq -e '.schema == "tlbiso.status/1"' /tmp/status.probe >/dev/null 2>&1
}

# daemon_start CONF: run tlbisod in the foreground (as a background job)
# and wait, bounded, until it answers.  1 if it died or never answered.
daemon_start() {
	mkdir -p "$TLBISO_RUNDIR" "$TLBISO_STATEDIR"
	tlbisod --foreground --config "$1" --runtime-dir "$TLBISO_RUNDIR" \
		--state-dir "$TLBISO_STATEDIR" >"$DAEMON_LOG" 2>&1 &
	DAEMON_PID=$!
	if poll 20 200000 status_ok; then
		diag "tlbisod (pid $DAEMON_PID) answers status after $(sed -n 1p /proc/uptime | cut -d' ' -f1) s uptime"
		return 0
	fi
	diag "tlbisod did not answer within 20 s; its log:"
	daemon_log
	return 1
}

# daemon_log: the daemon's output as diagnostics (last lines).
daemon_log() {
	tail -n 20 "$DAEMON_LOG" 2>/dev/null | while IFS= read -r l; do
		diag "  tlbisod: $l"
	done
}

# daemon_stop: TERM the daemon, report how it ended.
daemon_stop() {
	[ -n "$DAEMON_PID" ] || return 0
	kill "$DAEMON_PID" 2>/dev/null
	if wait_pid "$DAEMON_PID" 10; then
		wait "$DAEMON_PID"
		diag "tlbisod exited with status $? on SIGTERM"
	else
		diag "tlbisod ignored SIGTERM for 10 s; killing it"
		kill -9 "$DAEMON_PID" 2>/dev/null
	fi
	DAEMON_PID=
}

# alert_active FILE TYPE: an alert of TYPE is in the status in FILE.
alert_active() {
	jq -e --arg t "$2" 'any(.alerts[]?; .type == $t)' "$1" >/dev/null 2>&1
}

# alert_cpus FILE TYPE: the cpus of the first alert of TYPE, as JSON.
alert_cpus() {
	jq -c --arg t "$2" 'first(.alerts[]? | select(.type == $t) | .cpus)' "$1" 2>/dev/null
}

# Poll targets for wait_alert/wait_clear; WANT is the alert type.
_alert_up() { status /tmp/status.json; alert_active /tmp/status.json "$WANT"; }
_alert_down() { status /tmp/status.json && ! alert_active /tmp/status.json "$WANT"; }

# wait_alert TYPE SECONDS: poll status every 100 ms until TYPE is active;
# leaves the matching status in /tmp/status.json.  1 on timeout.
wait_alert() {
	WANT=$1
	poll "$2" 100000 _alert_up
}

# wait_clear TYPE SECONDS: poll until no alert of TYPE is active.
wait_clear() {
	WANT=$1
	poll "$2" 250000 _alert_down
}

# irq_rise ROW CPU SECONDS: wait until the counter moves, i.e. until a
# generator really produces interrupts.  1 on timeout.
irq_rise() {
	_r0=$(irq-count "$1" "$2") || return 1
	_rr=$1 _rc=$2
	poll "$3" 50000 _irq_moved
}
_irq_moved() { [ "$(irq-count "$_rr" "$_rc")" -gt "$_r0" ]; }

# fresh_state: each daemon scenario starts without a previous boot's state.
fresh_state() {
	rm -rf "$TLBISO_STATEDIR" "$TLBISO_RUNDIR"
	mkdir -p "$TLBISO_STATEDIR" "$TLBISO_RUNDIR"
}
