#!/bin/bash
# scenario.sh - tlbiso through the real system: the installed .deb, systemd,
# the journal and apt. Runs as tlbiso-e2e.service after multi-user.target.
#
# Protocol on ttyS1 (read by tests/vm/systemd/run): "TAP ok - ...",
# "TAP not ok - ...", "TAP # ..." and "DONE" before the power-off. A step
# that the installed daemon cannot do yet is an "ok ... # SKIP reason".
set -u
exec 3>/dev/ttyS1
GEN=/usr/local/libexec/tlbiso-e2e
CONF=/etc/tlbiso/tlbiso.conf

ok() { echo "TAP ok - $*" >&3; }
not_ok() { echo "TAP not ok - $*" >&3; }
skip() { echo "TAP ok - $1 # SKIP $2" >&3; }
diag() { echo "TAP # $*" >&3; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }

# wait_for SECONDS CMD...: poll until CMD succeeds; 1 on timeout.
wait_for() {
	local t=$1 i
	shift
	for ((i = 0; i < t * 5; i++)); do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}

is_active() { [ "$(systemctl is-active tlbiso)" = active ]; }
main_pid() { systemctl show -p MainPID --value tlbiso; }
status_text() { systemctl show -p StatusText --value tlbiso; }

# The daemon is real once --check-config validates the (empty) default file;
# the placeholder that stands in before the daemon lands exits 3 on anything.
daemon_real() { tlbisod --check-config >/dev/null 2>&1; }
# A config key the installed daemon accepts (checked on a scratch file).
conf_accepts() {
	local f
	f=$(mktemp) && printf '%s\n' "$1" >"$f" && tlbisod --check-config --config "$f" >/dev/null 2>&1
	local rc=$?
	rm -f "$f"
	return $rc
}
has_verb() { tlbisoctl "$1" --help >/dev/null 2>&1; }

# The kernel values housekeeping may touch, one "path value" line each.
hk_values() {
	local f
	for f in /proc/sys/kernel/watchdog_cpumask /proc/sys/vm/stat_interval \
		/proc/sys/kernel/timer_migration /proc/sys/kernel/sched_rt_runtime_us \
		/sys/devices/virtual/workqueue/cpumask /proc/irq/default_smp_affinity \
		/proc/irq/*/smp_affinity_list; do
		[ -r "$f" ] && echo "$f $(cat "$f" 2>/dev/null)"
	done
}

# ---------------------------------------------------------------------------
step_boot() {
	diag "kernel $(uname -r), isolated $(cat /sys/devices/system/cpu/isolated)," \
		"nohz_full $(cat /sys/devices/system/cpu/nohz_full 2>/dev/null)"
	check "the .deb is installed" dpkg-query -W -f='${Status}' tlbiso
	check "tlbiso.service is enabled by the package" \
		bash -c '[ "$(systemctl is-enabled tlbiso)" = enabled ]'
	check "tlbiso-check.service ships disabled" \
		bash -c '[ "$(systemctl is-enabled tlbiso-check)" = disabled ]'
	check "conffile /etc/tlbiso/tlbiso.conf is registered" \
		bash -c 'dpkg-query -W -f="\${Conffiles}" tlbiso | grep -q " /etc/tlbiso/tlbiso.conf "'
}

# The sandbox as systemd builds it, checked from inside the unit's mount
# namespace with a stand-in process (works before the daemon lands): the
# whitelisted knobs are writable, the others are not.
step_sandbox() {
	local d=/run/systemd/system/tlbiso-sandbox.service pid f
	sed -e 's|^ExecStart=.*|ExecStart=/bin/sleep 600|' -e 's|^Type=notify|Type=simple|' \
		-e '/^WatchdogSec=/d' -e '/^ExecReload=/d' /lib/systemd/system/tlbiso.service >"$d"
	systemctl daemon-reload
	if ! systemctl start tlbiso-sandbox; then
		not_ok "tlbiso.service's sandbox can be set up by systemd"
		journalctl -b -u tlbiso-sandbox --no-pager | tail -n 5 | sed 's/^/TAP #   /' >&3
		return
	fi
	ok "tlbiso.service's sandbox can be set up by systemd"
	pid=$(systemctl show -p MainPID --value tlbiso-sandbox)
	# Writing a file's own value back changes nothing but proves write access.
	rewrite() { nsenter -t "$pid" -m sh -c "cat '$1' > '$1'" 2>/dev/null; }
	for f in /proc/sys/vm/stat_interval /proc/sys/kernel/watchdog_cpumask \
		/sys/devices/virtual/workqueue/cpumask /proc/irq/default_smp_affinity; do
		[ -e "$f" ] || continue
		check "sandbox: $f is writable" rewrite "$f"
	done
	for f in /proc/sys/vm/swappiness /proc/sys/kernel/hostname /etc/hostname; do
		check "sandbox: $f is read-only" bash -c "! nsenter -t $pid -m sh -c \"cat '$f' > '$f'\" 2>/dev/null"
	done
	check "sandbox: capability bounding set is CAP_SYS_NICE only" \
		bash -c "[ \"\$(awk '/^CapBnd/ {print \$2}' /proc/$pid/status)\" = 0000000000800000 ]"
	systemctl stop tlbiso-sandbox
	rm -f "$d"
	systemctl daemon-reload
}

step_start() {
	local rc
	systemctl enable --now tlbiso
	rc=$?
	if ! daemon_real; then
		diag "systemctl enable --now tlbiso exited $rc"
		skip "systemctl enable --now tlbiso leaves it active" "installed tlbisod is the placeholder"
		return 1
	fi
	check "systemctl enable --now tlbiso exits 0" test "$rc" -eq 0
	check "systemctl is-active tlbiso is active" wait_for 20 is_active
	if wait_for 10 bash -c '[ -n "$(systemctl show -p StatusText --value tlbiso)" ]'; then
		ok "StatusText shows the daemon's STATUS line: $(status_text)"
	else
		not_ok "StatusText shows the daemon's STATUS line (empty)"
	fi
	check "/run/tlbiso holds the control socket" test -S /run/tlbiso/tlbiso.sock
	return 0
}

step_status() {
	has_verb status || { skip "tlbisoctl status answers" "no status verb in this build"; return; }
	check "tlbisoctl status answers" tlbisoctl status
	check "tlbisoctl status --json is tlbiso.status/1" \
		bash -c 'tlbisoctl status --json | jq -e ".schema == \"tlbiso.status/1\""'
}

# A kernel-range flush generator (vmalloc churn, CAL on every isolated CPU)
# must give an alert in the journal with MESSAGE_ID and TLBISO_CPU.
step_alert() {
	local since out
	[ -x "$GEN/gen-kflush" ] || { skip "generator alert in the journal" "no gen-kflush"; return; }
	since=$(date '+%Y-%m-%d %H:%M:%S')
	"$GEN/gen-kflush" 15 >/dev/null 2>&1 &
	"$GEN/gen-usermm" 2 15 >/dev/null 2>&1 &
	wait
	sleep 3
	out=$(journalctl -u tlbiso -o json --since "$since" --no-pager |
		jq -c 'select(.TLBISO_CPU != null) | {MESSAGE_ID, TLBISO_CPU, MESSAGE}' | head -n 3)
	if [ -n "$out" ]; then
		ok "generators raise an alert in journalctl -u tlbiso -o json"
		diag "$out"
		check "the alert carries a 128-bit MESSAGE_ID and an isolated TLBISO_CPU" \
			bash -c "jq -e 'select((.MESSAGE_ID|test(\"^[0-9a-f]{32}$\")) and
				((.TLBISO_CPU|tostring|test(\"^[23]\")))) ' <<<'$(head -n1 <<<"$out")' >/dev/null"
	else
		not_ok "generators raise an alert in journalctl -u tlbiso -o json"
		journalctl -u tlbiso --since "$since" --no-pager | tail -n 8 | sed 's/^/TAP #   /' >&3
	fi
}

# A broken config on reload is refused: the unit stays active, same PID, and
# the refusal names file:line.
step_reload() {
	local pid since saved
	saved=$(mktemp)
	cp "$CONF" "$saved"
	pid=$(main_pid)
	since=$(date '+%Y-%m-%d %H:%M:%S')
	printf 'monitor = { interval_ms = ; };\n' >>"$CONF"
	systemctl reload tlbiso
	sleep 2
	check "reload with a broken config leaves tlbiso active" is_active
	check "reload with a broken config keeps the same daemon" test "$(main_pid)" = "$pid"
	check "the refusal is logged with file:line" bash -c \
		"journalctl -u tlbiso --since '$since' --no-pager | grep -q 'tlbiso.conf:[0-9]'"
	cp "$saved" "$CONF"
	rm -f "$saved"
	systemctl reload tlbiso
	sleep 1
	check "reload with the good config again leaves tlbiso active" is_active
}

# kill -9: systemd restarts the daemon; /run/tlbiso (the restore journal)
# survives the crash, and a journal left there is replayed first.
step_crash() {
	local pid hk=$1
	pid=$(main_pid)
	kill -9 "$pid"
	check "/run/tlbiso survives the crash (RuntimeDirectoryPreserve=yes)" test -d /run/tlbiso
	if [ "$hk" = 1 ]; then
		check "the restore journal survives the crash" test -e /run/tlbiso/restore.journal
	fi
	check "systemd restarts the daemon after kill -9" \
		wait_for 30 bash -c "[ \"\$(systemctl show -p MainPID --value tlbiso)\" != 0 ] &&
			[ \"\$(systemctl show -p MainPID --value tlbiso)\" != $pid ] &&
			[ \"\$(systemctl is-active tlbiso)\" = active ]"
	check "NRestarts counts the restart" test "$(systemctl show -p NRestarts --value tlbiso)" -ge 1
	if [ "$hk" = 1 ]; then
		check "the restarted daemon replays the restore journal" bash -c \
			"journalctl -u tlbiso -b --no-pager | grep -qi 'restore journal\|replay'"
	else
		skip "the restarted daemon replays the restore journal" \
			"housekeeping not in the installed daemon: nothing is journaled"
	fi
}

step_stop() {
	local hk=$1 before=$2
	systemctl stop tlbiso
	check "systemctl stop tlbiso stops it" bash -c '[ "$(systemctl is-active tlbiso)" != active ]'
	if [ "$hk" = 1 ]; then
		check "stop restores every housekeeping value byte for byte" \
			bash -c "diff <(cat '$before') <(hk_values_ext) >/dev/null"
		check "stop removes the restore journal" test ! -e /run/tlbiso/restore.journal
	else
		skip "stop restores every housekeeping value byte for byte" \
			"housekeeping not in the installed daemon"
	fi
	check "stop leaves no socket behind" test ! -S /run/tlbiso/tlbiso.sock
}

step_purge() {
	local left
	DEBIAN_FRONTEND=noninteractive apt-get purge -y tlbiso >/tmp/purge.log 2>&1
	check "apt-get purge tlbiso succeeds" test $? -eq 0
	systemctl daemon-reload
	check "no tlbiso unit is left" bash -c '! systemctl list-unit-files "tlbiso*" --no-legend | grep -q .'
	check "no tlbisod process is left" bash -c '! pgrep -x tlbisod'
	left=$(find / -xdev \( -path /proc -o -path /sys -o -path /usr/local/libexec/tlbiso-e2e \) \
		-prune -o \( -name '*tlbiso*' ! -name 'tlbiso-e2e*' \) -print 2>/dev/null)
	left="$left$(find /run -name '*tlbiso*' ! -name 'tlbiso-e2e*' 2>/dev/null)"
	if [ -z "$left" ]; then
		ok "apt-get purge leaves no file, unit or socket behind"
	else
		not_ok "apt-get purge leaves no file, unit or socket behind"
		echo "$left" | head -n 10 | sed 's/^/TAP #   left: /' >&3
	fi
}

main() {
	local hk=0 before
	echo "UP $(cut -d' ' -f1 /proc/uptime)s uptime" >&3
	step_boot
	step_sandbox
	before=$(mktemp)
	hk_values >"$before"
	if daemon_real && conf_accepts 'housekeeping = { apply = true; };'; then
		hk=1
		diag "housekeeping supported: applying it for the crash and stop steps"
		printf 'housekeeping = { apply = true; };\n' >>"$CONF"
	fi
	if daemon_real && conf_accepts 'monitor = { interval_ms = 500; };'; then
		printf 'monitor = { interval_ms = 500; };\n' >>"$CONF"
	fi
	if step_start; then
		step_status
		step_alert
		step_reload
		step_crash "$hk"
		step_stop "$hk" "$before"
	else
		for s in "tlbisoctl status answers" "generators raise an alert in the journal" \
			"reload with a broken config leaves tlbiso active" \
			"systemd restarts the daemon after kill -9" \
			"stop restores every housekeeping value"; do
			skip "$s" "installed tlbisod is the placeholder (daemon not landed)"
		done
		systemctl disable --now tlbiso >/dev/null 2>&1
	fi
	step_purge
	echo "DONE" >&3
	systemctl --no-block poweroff
}

hk_values_ext() { hk_values; }
export -f hk_values hk_values_ext
main "$@"
