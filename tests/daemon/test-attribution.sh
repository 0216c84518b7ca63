#!/usr/bin/env bash
# tlbisod with monitor.attribution on the live kernel: CPU 1 watched, a
# membarrier generator on CPU 0 aimed at it. The ipi_other alert it raises
# must name the generator (pid, comm) in status, the journal fields (stderr
# here) and the hook's environment; the tracer is armed once (a reload with
# the same config does not re-arm), disarmed by a reload that turns it off,
# and no tlbiso-* instance of the daemon is left after SIGTERM. With
# attribution off nothing is armed; under a fixture sysroot it is reported
# unavailable. Speaks TAP; never asserts a time (bounded polls only).
set -u
# Tests that load or time CPU 1 (spinners, tracing, oslat) must not overlap.
exec 9>"${top_builddir:-.}/tests/cpu1.lock" && flock -w 300 9

# shellcheck source=tests/daemon/lib.sh
. "${top_srcdir:-.}/tests/daemon/lib.sh"
gen=$builddir/tests/gen/gen-membarrier
tfs=/sys/kernel/tracing
# under make check-valgrind (memcheck) the polls wait longer
slow=1
[ -n "$wrap" ] && slow=10
wait_s=$((10 * slow))

[ "$(id -u)" -eq 0 ] || skip_all "needs root (tracefs, kallsyms)"
need_tools jq
[ "$(nproc)" -ge 2 ] || skip_all "needs 2 CPUs"
{ [ -x "$tlbisod" ] && [ -x "$gen" ]; } || skip_all "tlbisod or gen-membarrier not built"
if [ ! -d $tfs/instances ]; then
	mount -t tracefs nodev $tfs 2>/dev/null || skip_all "tracefs cannot be mounted"
fi
[ -d $tfs/events/ipi/ipi_send_cpumask ] || skip_all "no ipi tracepoints (kernel < 6.4)"

tl_tmpdir tlbisod-attr
# its stderr carries the journal fields
dlog=$tmp/daemon.err

cat >"$tmp/hook" <<'EOF'
#!/bin/sh
{ env | grep '^TLBISO_' | sort; echo "-- $1"; } >>"${0%/hook}/hook.log"
EOF
chmod 755 "$tmp/hook"

# write_conf ATTRIBUTION: CPU 1 watched, CPU 0 housekeeping, a 1 s window of
# 250 ms samples; only CAL (function calls) has a low threshold. The alert
# stays for 100 s after the burst, so that a loaded machine (make -j check)
# still finds it when the later checks read status.
write_conf() {
	cat >"$conf" <<EOF
isolated_cpus = "1";
housekeeping_cpus = "0";
monitor = {
	interval_ms = 250;
	window = 4;
	clear_after = 400;
	baseline_samples = 0;
	attribution = $1;
	thresholds = { cal = 100.0; tlb = 1000000.0; res = 1000000.0; loc = 1000000.0;
		       iwi = 1000000.0; irq = 1000000.0; };
};
alerts = {
	hook = "$tmp/hook";
	hook_min_interval_s = 0;
	hook_timeout_ms = 2000;
};
EOF
}

# start_attr [ARGS...]: a fresh tlbisod (new runtime and state dirs, new log:
# the checks count its lines), waited for until it answers.
start_attr() {
	rm -rf "$run" "$state" "$dlog"
	start_daemon "$@"
	wait_for true
}
armed_lines() { grep -c 'TLBISO_ATTRIBUTION=armed' "$tmp/daemon.err"; }
# reload_and_wait: SIGHUP, then wait until the daemon logged the reload.
reload_and_wait() {
	local before
	before=$(grep -c 'configuration reloaded' "$tmp/daemon.err")
	kill -HUP "$dpid"
	for _ in $(seq $((200 * slow))); do
		[ "$(grep -c 'configuration reloaded' "$tmp/daemon.err")" -gt "$before" ] && return 0
		sleep 0.05
	done
	return 1
}

echo "1..17"

# 1-3: armed once at start, for CPU 1, in a private instance named after the daemon.
write_conf true
start_attr
started=$?
alive() { [ $started -eq 0 ] && kill -0 "$dpid" 2>/dev/null; }
check "tlbisod starts with attribution = true and answers status" alive
check "status: attribution armed for CPU 1 in instance tlbiso-$dpid" \
	[ "$(jqs '.attribution | .state + " " + .cpus + " " + .instance')" = "armed 1 tlbiso-$dpid" ]
check "the instance exists and arming was logged once with its field" \
	[ -d "$tfs/instances/tlbiso-$dpid" -a "$(armed_lines)" = 1 ]
# libtracefs is loaded when attribution is first armed, and only then (see 16).
maps_tracefs() { grep -q libtracefs "/proc/$dpid/maps" 2>/dev/null; }

# 4-9: the generator's IPIs raise ipi_other, which names it everywhere.
"$gen" -n 3000 -t 1 -s 0 -l 2 >"$tmp/gen.out"
read -r gp gc < <(sed -E 's/pid=([0-9]+) comm=([^ ]+) .*/\1 \2/' "$tmp/gen.out")
q='[.alerts[] | select(.type == "ipi_other")][0].senders[0]'
for _ in $(seq $((300 * slow))); do
	[ "$(jqs "$q.pid")" = "${gp:-x}" ] && break
	sleep 0.1
done
echo "# generator pid=${gp:-?} comm=${gc:-?}; top sender: $(jqs -c "$q")"
check "status: ipi_other names the generator's pid" [ "$(jqs "$q.pid")" = "${gp:-x}" ]
check "status: ... its comm and class membarrier" \
	[ "$(jqs "$q.comm + \" \" + $q.class")" = "${gc:-x} membarrier" ]
for _ in $(seq $((300 * slow))); do
	grep -q -- '-- raised' "$tmp/hook.log" 2>/dev/null && break
	sleep 0.1
done
hook_named() {
	grep -qx "TLBISO_SENDER_PID=${gp:-x}" "$tmp/hook.log" &&
		grep -qx "TLBISO_SENDER_COMM=${gc:-x}" "$tmp/hook.log"
} 2>/dev/null
check "hook environment: TLBISO_SENDER_PID=$gp, TLBISO_SENDER_COMM=$gc" hook_named
check "journal fields: TLBISO_SENDER_PID, TLBISO_SENDER_CLASS, TLBISO_SENDERS" \
	grep -q "TLBISO_ALERT=ipi_other TLBISO_EVENT=raised .*TLBISO_SENDER_PID=${gp:-x} .*TLBISO_SENDER_CLASS=membarrier .*TLBISO_SENDERS=${gc:-x}\[${gp:-x}\]:membarrier:" \
	"$tmp/daemon.err"
check "the message names the sender: from ${gc:-?}[${gp:-?}] via membarrier..." \
	grep -q "ipi_other on CPU 1: CAL .* from ${gc:-x}\[${gp:-x}\] via membarrier" "$tmp/daemon.err"
"$tlbisoctl" status --runtime-dir "$run" >"$tmp/status.txt"
text_named() {
	grep -q "^IPI attribution: armed (sender side" "$tmp/status.txt" &&
		grep -q "sender ${gc:-x}\[${gp:-x}\].*membarrier" "$tmp/status.txt"
}
check "tlbisoctl status (text): the attribution line and the sender" text_named

# 10-12: reloads arm only on a change: same config keeps it, off disarms, on arms again.
reload_and_wait
check "a reload with attribution unchanged does not re-arm" \
	[ "$(armed_lines)" = 1 -a -d "$tfs/instances/tlbiso-$dpid" ]
write_conf false
reload_and_wait
disarmed() {
	[ "$(jqs .attribution.state)" = off ] && [ ! -d "$tfs/instances/tlbiso-$dpid" ] &&
		grep -q 'TLBISO_ATTRIBUTION=disarmed' "$tmp/daemon.err"
}
check "a reload that turns it off disarms and removes the instance" disarmed
write_conf true
reload_and_wait
rearmed() {
	[ "$(jqs .attribution.state)" = armed -a "$(armed_lines)" = 2 -a \
		-d "$tfs/instances/tlbiso-$dpid" ] && maps_tracefs
}
check "a reload that turns it on arms again, libtracefs loaded" rearmed

# 13: SIGTERM disarms and removes the instance.
pid=$dpid
stop_daemon
rc=$?
check "SIGTERM: exit 0 and no tlbiso-$pid instance left" [ $rc -eq 0 -a ! -e "$tfs/instances/tlbiso-$pid" ]

# 14-15: attribution off: nothing armed, status says off.
write_conf false
start_attr
check "attribution = false: status says off, lost 0" \
	[ "$(jqs '.attribution | .state + " " + (.lost | tostring)')" = "off 0" ]
check "attribution = false: no tlbiso-$dpid instance, nothing logged as armed" \
	[ ! -e "$tfs/instances/tlbiso-$dpid" -a "$(armed_lines)" = 0 ]
check "attribution = false: libtracefs and libtraceevent are not mapped" \
	eval '! grep -q "libtrace\(fs\|event\)" "/proc/$dpid/maps"'
stop_daemon

# 16: a fixture sysroot is another machine: unavailable, with the reason, and nothing armed.
make_sysroot
write_conf true
sed -i 's/^isolated_cpus.*/isolated_cpus = "2-3";/; s/^housekeeping_cpus.*/housekeeping_cpus = "0-1";/' \
	"$conf"
start_attr --sysroot "$sys"
unavailable() {
	[ "$(jqs .attribution.state)" = unavailable ] && [ -n "$(jqs .attribution.reason)" ] &&
		[ ! -e "$tfs/instances/tlbiso-$dpid" ] &&
		grep -q 'TLBISO_ATTRIBUTION=unavailable' "$tmp/daemon.err"
}
check "under a fixture sysroot: unavailable with a reason, no instance, a warning logged" unavailable
stop_daemon
