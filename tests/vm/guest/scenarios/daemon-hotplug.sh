# shellcheck shell=sh
# daemon-hotplug - an isolated CPU going offline and back must be seen by
# the daemon, which must survive it (/proc/interrupts loses a column).

# shellcheck source=../lib.sh
. /usr/lib/tlbiso-vm/lib.sh
# shellcheck source=../daemon.sh
. /usr/lib/tlbiso-vm/daemon.sh
need tlbisoctl tlbisod

ONLINE=/sys/devices/system/cpu/cpu3/online

# cpu3_online_is true|false: what the daemon reports for CPU 3.
cpu3_online_is() {
	status /tmp/status.json &&
		jqt --argjson v "$1" 'any(.cpus[]; .cpu == 3 and .online == $v)' /tmp/status.json
}

fresh_state
write_conf hotplug.conf 'monitor = { interval_ms = 250; };'
if ! daemon_start /etc/tlbiso/hotplug.conf; then
	not_ok "tlbisod starts and answers status"
	exit 0
fi

check "CPU 3 goes offline" eval "echo 0 >$ONLINE"
check "status shows CPU 3 offline (bounded wait 10 s)" poll 10 200000 cpu3_online_is false
check "CPU 3 comes back online" eval "echo 1 >$ONLINE"
check "status shows CPU 3 online again (bounded wait 10 s)" poll 10 200000 cpu3_online_is true
check "tlbisod still alive (pid $DAEMON_PID)" kill -0 "$DAEMON_PID"
status /tmp/status.json
check "tlbisoctl status still answers (exit $?)" jqt '.schema == "tlbiso.status/1"' /tmp/status.json
# Leave the CPU online whatever happened, for any later scenario.
[ "$(cat $ONLINE)" = 1 ] || echo 1 >$ONLINE
daemon_log
daemon_stop
