#!/bin/bash
# scenario.sh - tlbiso through the real system: the installed .deb, systemd,
# the journal and apt. Runs as scenario.service after multi-user.target.
#
# Protocol on ttyS1 (read by tests/vm/systemd/run): "TAP ok - ...",
# "TAP not ok - ...", "TAP # ..." and "DONE" before the power-off. A step
# that the installed daemon cannot do yet is an "ok ... # SKIP reason".
set -u
exec 3>/dev/ttyS1
GEN=/usr/local/libexec/vm-e2e
CONF=/etc/tlbiso/tlbiso.conf

ok() { echo "TAP ok - $*" >&3; }
not_ok() { echo "TAP not ok - $*" >&3; }
skip() { echo "TAP ok - $1 # SKIP $2" >&3; }
diag() { echo "TAP # $*" >&3; }
# timed NAME FUNC ARGS...: run one step and say how long it took (uptime).
timed() {
	local t0 rc
	t0=$(cut -d' ' -f1 /proc/uptime)
	"${@:2}"
	rc=$?
	diag "step $1: $(awk -v a="$t0" '{printf "%.1f", $1 - a}' /proc/uptime) s"
	return $rc
}
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
	local pid f
	# sandbox-probe.service: the installed tlbiso.service with ExecStart=
	# replaced by a sleep, made at image build time (run's st_image_build).
	if ! systemctl start sandbox-probe; then
		not_ok "tlbiso.service's sandbox can be set up by systemd"
		journalctl -b -u sandbox-probe --no-pager | tail -n 5 | sed 's/^/TAP #   /' >&3
		return
	fi
	ok "tlbiso.service's sandbox can be set up by systemd"
	pid=$(systemctl show -p MainPID --value sandbox-probe)
	# Writing a file's own value back changes nothing but proves write access.
	rewrite() {
		local err
		err=$(nsenter -t "$pid" -m sh -c "v=\$(cat '$1') && echo \"\$v\" > '$1'" 2>&1) && return 0
		diag "  $err; mount: $(nsenter -t "$pid" -m findmnt -n -o TARGET,OPTIONS -T "$1" | tr -s ' ')"
		return 1
	}
	for f in /proc/sys/vm/stat_interval /proc/sys/kernel/watchdog_cpumask \
		/sys/devices/virtual/workqueue/cpumask /proc/irq/default_smp_affinity; do
		[ -e "$f" ] || continue
		check "sandbox: $f is writable" rewrite "$f"
	done
	for f in /proc/sys/vm/swappiness /proc/sys/kernel/hostname /sys/kernel/mm/ksm/run /etc/hostname; do
		check "sandbox: $f is read-only" \
			bash -c "! nsenter -t $pid -m sh -c 'v=\$(cat $f) && echo \"\$v\" > $f' 2>/dev/null"
	done
	check "sandbox: capability bounding set is CAP_SYS_NICE only" \
		bash -c "[ \"\$(awk '/^CapBnd/ {print \$2}' /proc/$pid/status)\" = 0000000000800000 ]"
	systemctl stop sandbox-probe
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
		local first=${out%%$'\n'*}
		check "the alert's MESSAGE_ID is one tlbisod(8) documents" \
			grep -qx "$(jq -r .MESSAGE_ID <<<"$first")" "$GEN/message-ids"
		check "the alert's TLBISO_CPU names isolated CPUs" \
			grep -Eqx '[23]([-,][23])*' <<<"$(jq -r .TLBISO_CPU <<<"$first")"
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
	DEBIAN_FRONTEND=noninteractive timed apt-get-purge apt-get purge -y tlbiso >/tmp/purge.log 2>&1
	check "apt-get purge tlbiso succeeds" test $? -eq 0
	# (dh_installsystemd's postrm has run systemctl daemon-reload.)
	check "no tlbiso unit is left" bash -c '! systemctl list-unit-files "tlbiso*" --no-legend | grep -q .'
	check "no tlbisod process is left" bash -c '! pgrep -x tlbisod'
	left=$(find / -xdev \( -path /proc -o -path /sys \) -prune -o -name '*tlbiso*' -print 2>/dev/null)
	left="$left$(find /run -name '*tlbiso*' 2>/dev/null)"
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
	# Where the boot went: the widest gaps between journal lines.
	journalctl -b -o short-monotonic --no-pager 2>/dev/null |
		awk -F'[][]' '{ t = $2 + 0; if (t - p > 3) printf "TAP #   boot gap %.1f s before: %s\n", t - p, substr($0, 1, 110); p = t }' >&3
	timed boot step_boot
	timed sandbox step_sandbox
	before=$(mktemp)
	hk_values >"$before"
	# The scenario's own configuration replaces the shipped (all-comment) one:
	# a short interval, and housekeeping when the daemon knows it.
	if daemon_real; then
		local conf='monitor = { interval_ms = 500; };'
		if conf_accepts "$conf"$'\n''housekeeping = { apply = true; };'; then
			hk=1
			conf+=$'\n''housekeeping = { apply = true; };'
			diag "housekeeping supported: applying it for the crash and stop steps"
		fi
		conf_accepts "$conf" && printf '%s\n' "$conf" >"$CONF"
	fi
	if timed start step_start; then
		timed status step_status
		timed alert step_alert
		timed reload step_reload
		timed crash step_crash "$hk"
		timed stop step_stop "$hk" "$before"
	else
		for s in "tlbisoctl status answers" "generators raise an alert in the journal" \
			"reload with a broken config leaves tlbiso active" \
			"systemd restarts the daemon after kill -9" \
			"stop restores every housekeeping value"; do
			skip "$s" "installed tlbisod is the placeholder (daemon not landed)"
		done
		systemctl disable --now tlbiso >/dev/null 2>&1
	fi
	timed purge step_purge
	echo "DONE" >&3
	# Nothing left to keep: power off at once rather than stop every unit
	# (a clean shutdown takes a minute under emulation).
	systemctl --force --force poweroff
}

hk_values_ext() { hk_values; }
export -f hk_values hk_values_ext
main "$@"
