# shellcheck shell=sh
# daemon-alerts - each generator raises its own alert type on the right
# CPUs, and the alert clears once the generator stops.
#
# The alert must show up within a bounded wait.  Whether it came within
# two monitor intervals of the first interrupt is only reported, as a
# diagnostic: TCG timings are not something to gate on (and a "# TODO"
# point that passes would count as a failure under automake).

# shellcheck source=../lib.sh
. /usr/lib/tlbiso-vm/lib.sh
# shellcheck source=../daemon.sh
. /usr/lib/tlbiso-vm/daemon.sh
need tlbisoctl tlbisod

INTERVAL_MS=250
GEN_MAX=20	# generators are killed once seen; this is only a bound

fresh_state
write_conf alerts.conf "monitor = { interval_ms = $INTERVAL_MS; };
alerts = { prometheus_textfile = \"$TLBISO_RUNDIR/tlbiso.prom\"; };"
if ! daemon_start /etc/tlbiso/alerts.conf; then
	not_ok "tlbisod starts and answers status"
	exit 0
fi

# expect NAME TYPE CPUS_JQ ROW CPU PIDS_TO_KILL: after the generator was
# started, wait for its interrupts, then for the alert; check the CPUs.
expect() {
	_name=$1 _type=$2 _cpus=$3 _row=$4 _cpu=$5 _kill=$6
	if ! irq_rise "$_row" "$_cpu" 10; then
		not_ok "$_name: $_row on CPU $_cpu moves (generator works)"
		# shellcheck disable=SC2086 # a list of pids
		kill $_kill 2>/dev/null
		return 1
	fi
	_t0=$(now_cs)
	if wait_alert "$_type" 20; then
		_ms=$((($(now_cs) - _t0) * 10))
		ok "$_name: alert $_type raised"
		_met=missed
		le "$_ms" $((2 * INTERVAL_MS)) && _met=met
		diag "$_name: alert seen ${_ms} ms after the first interrupt" \
			"($(calc "$_ms / $INTERVAL_MS") intervals; target 2: $_met)"
		check "$_name: alert $_type has cpus $_cpus" jqt --arg t "$_type" \
			"first(.alerts[] | select(.type == \$t)) | .cpus | $_cpus" \
			/tmp/status.json
		diag "$_name: $(jq -c --arg t "$_type" '[.alerts[] | select(.type == $t)]' /tmp/status.json)"
		return 0
	fi
	not_ok "$_name: alert $_type raised within 20 s"
	diag "$_name: last status alerts: $(jq -c '.alerts' /tmp/status.json 2>/dev/null)"
	return 1
}

# cleared RAISED NAME TYPE PIDS: stop the generator, wait for the alert
# to go.  An alert that never came cannot clear: that point is skipped
# (the failure was already reported).
cleared() {
	# shellcheck disable=SC2086 # a list of pids
	kill $4 2>/dev/null
	for _p in $4; do wait_pid "$_p" 10; done
	if [ "$1" -ne 0 ]; then
		skip "$2: alert $3 clears after the generator stops" "it was never raised"
		return
	fi
	_t0=$(now_cs)
	if wait_clear "$3" 30; then
		ok "$2: alert $3 clears after the generator stops"
		diag "$2: cleared after $((($(now_cs) - _t0) * 10)) ms"
		# Checked now: the daemon keeps a bounded history.
		check "$2: history has $3 raised and cleared" jqt --arg t "$3" \
			'any(.history[]; .type == $t and .event == "raised") and
			 any(.history[]; .type == $t and .event == "cleared")' /tmp/status.json
	else
		not_ok "$2: alert $3 clears within 30 s after the generator stops"
	fi
}

# User-mm shootdowns on CPU 2 -> tlb_shootdown on [2].
gen-usermm 2 $GEN_MAX >/dev/null &
g=$!
expect user-mm tlb_shootdown '. == [2]' TLB 2 "$g"
raised=$?
if [ $raised -eq 0 ]; then
	export_file daemon-alerts/status-user-mm.json /tmp/status.json
	check "user-mm: prometheus textfile written" \
		test -s "$TLBISO_RUNDIR/tlbiso.prom"
	export_file daemon-alerts/tlbiso.prom "$TLBISO_RUNDIR/tlbiso.prom"
fi
cleared $raised user-mm tlb_shootdown "$g"

# Kernel-range flushes -> kernel_tlb_flush on 2 and 3 (they reach idle
# CPUs too; spinners would only slow TCG down).
gen-kflush $GEN_MAX >/dev/null &
g=$!
expect kernel-range kernel_tlb_flush 'contains([2, 3])' CAL 3 "$g"
raised=$?
if [ $raised -eq 0 ]; then
	# Without a previous boot that had deferral this is no regression.
	check "kernel-range: no deferral_regressed without a deferral boot" \
		eval '! alert_active /tmp/status.json deferral_regressed'
fi
cleared $raised kernel-range kernel_tlb_flush "$g"

# membarrier IPIs on CPU 3 -> ipi_other on [3].
gen-membarrier 3 $GEN_MAX >/dev/null &
g=$!
expect membarrier ipi_other '. == [3]' CAL 3 "$g"
cleared $? membarrier ipi_other "$g"

status /tmp/status.json
export_file daemon-alerts/status-end.json /tmp/status.json
daemon_log
daemon_stop
