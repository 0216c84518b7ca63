# shellcheck shell=sh
# daemon-deferral - a kernel that loses IPI deferral is a regression.
#
# The previous boot's state file is simulated (it claims a COALESCE_TLBI
# kernel whose deferral worked); the kernel, the generator and the IPIs
# are real: Debian's 6.1 has no deferral, so kernel-range flushes reach
# CPUs 2-3 and the daemon must report deferral_regressed.

# shellcheck source=../lib.sh
. /usr/lib/tlbiso-vm/lib.sh
# shellcheck source=../daemon.sh
. /usr/lib/tlbiso-vm/daemon.sh
need tlbisoctl tlbisod

fresh_state
cat >"$TLBISO_STATEDIR/state" <<'JSON'
{"schema":"tlbiso.state/1","last":{"release":"6.1.0-0-coalesce","boot_id":"00000000-0000-0000-0000-000000000000","deferral_expected":true,"mechanism":"coalesce_tlbi"}}
JSON
write_conf deferral.conf 'monitor = { interval_ms = 250; };'
if ! daemon_start /etc/tlbiso/deferral.conf; then
	not_ok "tlbisod starts and answers status"
	exit 0
fi

# Whether the daemon already concluded from the state file and the
# kernel alone, before any kernel-range IPI: worth knowing, not gated.
status /tmp/status.json
if alert_active /tmp/status.json deferral_regressed; then
	diag "deferral_regressed was active before the generator started"
else
	diag "deferral_regressed was not active before the generator started"
fi
gen-kflush 20 >/dev/null &
g=$!
if wait_alert deferral_regressed 15; then
	ok "deferral_regressed raised on real kernel-range IPIs (previous boot's state file simulated; kernel and IPIs real)"
	diag "$(jq -c '{state, alerts: [.alerts[] | select(.type == "deferral_regressed")]}' /tmp/status.json)"
else
	not_ok "deferral_regressed raised within 15 s on real kernel-range IPIs (previous boot's state file simulated; kernel and IPIs real)"
	diag "alerts: $(jq -c '.alerts' /tmp/status.json 2>/dev/null)"
fi
export_file daemon-deferral/status.json /tmp/status.json
stop_pid $g
daemon_log
daemon_stop
