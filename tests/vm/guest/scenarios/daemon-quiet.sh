# shellcheck shell=sh
# daemon-quiet - the monitor must not disturb what it monitors.
#
# Two identical windows of quiet load (spinners on CPUs 2 and 3), the
# first without tlbisod, the second with it polling every 250 ms (the
# fastest rate this suite uses, so defaults can only be quieter).  The
# daemon should raise no alert and add no interrupts on the isolated CPUs.

# shellcheck source=../lib.sh
. /usr/lib/tlbiso-vm/lib.sh
# shellcheck source=../daemon.sh
. /usr/lib/tlbiso-vm/daemon.sh
need tlbisoctl tlbisod

W=20
B=/tmp/quiet.before
A=/tmp/quiet.after

# window LABEL: measure W seconds of the running quiet load and keep the
# deltas in variables LABEL_ROW_CPU.
window() {
	irq_snap $B
	sleep $W
	irq_snap $A
	eval "$(irq_deltas $B $A)"
	for _cpu in 2 3; do
		_line="$1 ${W}s cpu$_cpu:"
		for _row in CAL RES TLB LOC; do
			eval "_d=\${D_${_row}_$_cpu:--1}"
			eval "${1}_${_row}_${_cpu}=$_d"
			_line="$_line $_row=$_d"
		done
		diag "$_line"
	done
}

# One continuous quiet load: the daemon starts in the middle of it, so
# it never sees tasks being placed on the isolated CPUs, only steady
# state (and its own start-up, which is its business).
fresh_state
gen-spin 2 $((3 * W + 30)) &
p2=$!
gen-spin 3 $((3 * W + 30)) &
p3=$!
sleep 1
quiesce
window control

write_conf quiet.conf 'monitor = { interval_ms = 250; };'
irq_snap /tmp/quiet.start
if ! daemon_start /etc/tlbiso/quiet.conf; then
	not_ok "tlbisod starts and answers status"
	stop_pid $p2
	stop_pid $p3
	exit 0
fi
sleep 2	# start-up work (e.g. enabling tracepoints) is not steady state
# Not gated, but it tells a start-up disturbance from a steady one.
irq_snap /tmp/quiet.settled
eval "$(irq_deltas /tmp/quiet.start /tmp/quiet.settled)"
for cpu in 2 3; do
	eval "diag \"daemon start-up cpu$cpu: CAL=\${D_CAL_$cpu} RES=\${D_RES_$cpu} TLB=\${D_TLB_$cpu} LOC=\${D_LOC_$cpu}\""
done
window daemon

status /tmp/quiet.json
export_file daemon-quiet/status.json /tmp/quiet.json
# "type == array" first: a missing field must not read as "no alerts".
check "no alert active with tlbisod on quiet load" \
	jqt '(.alerts | type == "array") and (.alerts | length == 0)' /tmp/quiet.json
if ! check "no alert ever raised (history)" \
	jqt '(.history | type == "array") and
	     ([.history[] | select(.event == "raised")] | length == 0)' /tmp/quiet.json; then
	# Seen under TCG on a loaded host: RCU forcing a quiescent state
	# (resched_cpu) on a vCPU the host preempted in the guest kernel,
	# then a short tick burst.  The window deltas above tell which.
	jq -r '.history[]? | "\(.event) \(.type) \(.source // "") cpus \(.cpus) at \(.time)"' \
		/tmp/quiet.json | while IFS= read -r l; do diag "history: $l"; done
fi
check "status state is ok" jqt '.state == "ok"' /tmp/quiet.json
# tlbisod runs on CPUs 0-1 and only reads /proc and /sys, which sends no
# IPI (kernel-facts section 4); the control window shows these rows at 0
# on a settled spinner.  So it should add nothing.  Allow 2 per row per
# CPU per window for unrelated housekeeping events, far below one per
# 250 ms poll (80 per window) that a noisy monitor would add.
for cpu in 2 3; do
	for row in CAL RES TLB; do
		eval "c=\$control_${row}_$cpu d=\$daemon_${row}_$cpu"
		# shellcheck disable=SC2154 # c and d are set by the eval above
		check "CPU $cpu $row with tlbisod ($d) <= control ($c) + 2" le "$d" $((c + 2))
	done
done
daemon_log
daemon_stop
stop_pid $p2
stop_pid $p3
