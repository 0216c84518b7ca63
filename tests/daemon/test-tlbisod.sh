#!/bin/bash
# Integration test of the real tlbisod against a sysroot whose proc/interrupts
# this script rewrites: TLB shootdowns on one isolated CPU, the broadcast CAL
# of a kernel-range flush, a device IRQ, hotplug, the textfile, the hook, a
# refused and an accepted reload, the control socket's refusals, the state
# file, and a clean SIGTERM. Speaks TAP.
#
# Timing: the daemon samples every 250 ms (as in the VM tests). The test never asserts a time; it
# polls status (bounded) and compares sample counters ("within two samples").
set -u

# shellcheck source=tests/daemon/lib.sh
. "${top_srcdir:-.}/tests/daemon/lib.sh"
need_tools jq
need_daemon
tl_tmpdir tlbisod-test
prom=$tmp/prom/tlbiso.prom
# polls are generous because CI machines are small and often loaded; nothing
# here is a timing
wait_s=30
gen=
# the counter generator goes first
cleanup_more() { [ -n "$gen" ] && kill "$gen" 2>/dev/null && wait "$gen" 2>/dev/null; }

# jqtrue FILTER: is FILTER true of stdin (quietly)?
jqtrue() { jq -e "$@" >/dev/null; }
mkdir -p "$tmp/prom"
make_sysroot

# gen_start 'BASH STATEMENTS': a generator that applies them to the counters
# and rewrites the file every 50 ms, like a workload that keeps going.
# gen_stop stops it and takes over its counters.
gen_start() {
	(
		trap 'declare -p LOC RES CAL TLB IWI IRQ24 >"$tmp/counters"; exit 0' TERM
		while :; do
			eval "$1"
			write_interrupts
			sleep 0.05
		done
	) &
	gen=$!
}
gen_stop() {
	kill -TERM "$gen"
	wait "$gen"
	gen=
	# declare -p writes "declare -a"; make them global again, not local to this function
	sed -i 's/^declare -a /declare -g -a /' "$tmp/counters"
	# shellcheck disable=SC1091
	. "$tmp/counters"
	write_interrupts
}

write_conf() {
	local hook=${2:-$tmp/hook}
	cat >"$conf" <<EOF
monitor = {
	interval_ms = ${1:-100};
	window = 4;
	clear_after = 3;
	baseline_samples = 0;
};
alerts = {
	prometheus_textfile = "$prom";
	hook = "$hook";
	hook_min_interval_s = 0;
	hook_timeout_ms = 300;
};
EOF
}
cat >"$tmp/hook" <<'EOF'
#!/bin/sh
echo "$1 $TLBISO_EVENT $TLBISO_ALERT $TLBISO_CPUS $TLBISO_SOURCE sev=$TLBISO_SEVERITY path=${PATH:+set} home=${HOME:-unset}" >>"${0%/hook}/hook.log"
EOF
chmod 755 "$tmp/hook"
write_conf 250

samples() { jqs .samples; }
# wait_for_prom LINE: poll until the textfile has exactly this line.
wait_for_prom() { wait_for_line "$prom" "$1"; }



# --- --check-config
"$tlbisod" --check-config --config "$conf" >/dev/null 2>&1
check "--check-config accepts the test config (exit 0)" [ $? -eq 0 ]
printf 'monitor = {\n  interval_ms = 5;\n  windw = 3;\n};\n' >"$tmp/bad.conf"
err=$("$tlbisod" --check-config --config "$tmp/bad.conf" 2>&1)
rc=$?
check "--check-config refuses a bad config with exit 2" [ $rc -eq 2 ]
check "--check-config gives file:line and the allowed range" \
	grep -q "$tmp/bad.conf:2: interval_ms = 5 is out of range: allowed 50..60000" <<<"$err"
check "--check-config reports every problem (did you mean)" \
	grep -q "$tmp/bad.conf:3: unknown setting 'windw' (did you mean 'window'?)" <<<"$err"
"$tlbisod" --config "$tmp/bad.conf" --sysroot "$sys" --runtime-dir "$run" --state-dir "$state" \
	>/dev/null 2>&1
check "a config error at start exits 2 before creating the socket" \
	[ $? -eq 2 -a ! -e "$run/tlbiso.sock" ]

# --- not running
"$tlbisoctl" status --runtime-dir "$run" >/dev/null 2>"$tmp/err"
rc=$?
check "tlbisoctl status without a daemon exits 3" [ $rc -eq 3 ]
check "... and says the daemon is not running" grep -q "tlbisod is not running" "$tmp/err"

# --- start
start_daemon --sysroot "$sys"
wait_for '.samples >= 1'
check "the daemon answers status with the tlbiso.status/1 schema" \
	[ "$(jqs .schema)" = tlbiso.status/1 ]
check "status shows the isolated and housekeeping sets from nohz_full" \
	[ "$(jqs '.isolated_cpus + " " + .housekeeping_cpus')" = "2-3 0-1" ]
check "the state is ok and no alert is active on a quiet sysroot" \
	[ "$(jqs '.state + " " + (.alerts | length | tostring)')" = "ok 0" ]
"$tlbisoctl" status --runtime-dir "$run" >"$tmp/status.txt"
grep -q '^tlbisod .*: ok$' "$tmp/status.txt" &&
	grep -q '^isolated CPUs: 2-3 (from nohz_full); housekeeping: 0-1; interval 250 ms$' "$tmp/status.txt" &&
	grep -qE '^ +3 yes +0\.000' "$tmp/status.txt"
check "tlbisoctl status (text) shows the state, the sets and a line per CPU" [ $? -eq 0 ]
check "the socket is mode 0660" [ "$(stat -c %a "$run/tlbiso.sock")" = 660 ]
check "the state file records this boot" \
	[ "$(jq -r '.schema + " " + .last.release + " " + .last.mechanism' "$state/state")" = \
		"tlbiso.state/1 6.1.0-test none" ]

# --- TLB shootdowns on CPU 2 only
TLB[2]=$((TLB[2] + 50)) CAL[2]=$((CAL[2] + 50))
write_interrupts
# every sample numbered above s0 was taken after the change was written
s0=$(samples)
gen_start 'TLB[2]=$((TLB[2] + 50)) CAL[2]=$((CAL[2] + 50))'
wait_for '[.alerts[] | select(.type == "tlb_shootdown")] | length == 1'
st=$(status)
check "TLB on CPU 2 raises tlb_shootdown on exactly CPU 2" \
	[ "$(jq -c '[.alerts[] | select(.type == "tlb_shootdown") | .cpus]' <<<"$st")" = "[[2]]" ]
check "... by the first sample that saw the change" \
	[ "$(jq '[.history[] | select(.type == "tlb_shootdown")][0].sample' <<<"$st")" -le $((s0 + 1)) ]
check "... and not as a kernel flush (TLB is taken out of CAL)" \
	[ "$(jq '[.alerts[] | select(.type == "kernel_tlb_flush" or .type == "ipi_other")] | length' <<<"$st")" = 0 ]
check "the alert carries severity, source, rate, threshold, since and remedy" \
	jqtrue '.alerts[0] | .severity == "warning" and .source == "TLB" and .rate > 1 and
		.threshold == 1 and (.since | test("^[0-9-]+T[0-9:]+Z$")) and (.remedy | length > 0)' \
	<<<"$st"
check "the textfile counts the TLB events of CPU 2 and shows the alert" \
	grep -qE '^tlbiso_interrupts_total\{cpu="2",source="TLB"\} [1-9][0-9]*$' "$prom"
grep -qx 'tlbiso_alert_active{type="tlb_shootdown"} 1' "$prom" &&
	grep -q '^tlbiso_build_info{version="' "$prom" && ! grep -q 'cpu="0"' "$prom"
check "... with tlbiso_alert_active, build_info, and no housekeeping CPU" [ $? -eq 0 ]
gen_stop
check "the textfile counts exactly the events the generator made" \
	wait_for_prom "tlbiso_interrupts_total{cpu=\"2\",source=\"TLB\"} ${TLB[2]}"
wait_for '[.alerts[] | select(.type == "tlb_shootdown")] | length == 0'
check "tlb_shootdown clears once the shootdowns stop" \
	[ "$(jqs '[.history[] | select(.type == "tlb_shootdown") | .event] | join(",")')" = "raised,cleared" ]
sleep 0.3
check "the hook ran with argv and the fixed environment, no shell variables leaked" \
	grep -qx "raised raised tlb_shootdown 2 TLB sev=warning path=set home=unset" "$tmp/hook.log"

# --- broadcast CAL on both isolated CPUs: kernel-range flush
gen_start 'CAL[2]=$((CAL[2] + 4)) CAL[3]=$((CAL[3] + 4))'
wait_for '[.alerts[] | select(.type == "kernel_tlb_flush")] | length == 1'
st=$(status)
gen_stop
check "CAL on every isolated CPU raises kernel_tlb_flush on CPUs 2 and 3" \
	[ "$(jq -c '[.alerts[] | select(.type == "kernel_tlb_flush") | .cpus]' <<<"$st")" = "[[2,3]]" ]
check "... and no deferral_regressed, since deferral is not expected here" \
	[ "$(jq -c '[.alerts[] | .type] | index("deferral_regressed")' <<<"$st")" = null ]
wait_for '.alerts | length == 0'

# --- a device IRQ on CPU 3, named
gen_start 'IRQ24[3]=$((IRQ24[3] + 3))'
wait_for '[.alerts[] | select(.type == "device_irq")] | length == 1'
st=$(status)
check "an IRQ on CPU 3 raises device_irq naming it" \
	[ "$(jq '[.alerts[] | select(.type == "device_irq") | .remedy | contains("24:eth0")] | .[0]' <<<"$st")" = true ]
gen_stop
wait_for '.alerts | length == 0'

# --- hotplug: CPU 3 goes offline, its counters restart, it comes back
online="0 1 2"
write_interrupts
wait_for '.cpus[] | select(.cpu == 3) | .online == false'
check "CPU 3 offline shows in status" [ "$(jqs '.cpus[] | select(.cpu == 3) | .online')" = false ]
TLB[3]=0 CAL[3]=0 LOC[3]=0
online="0 1 2 3"
write_interrupts
wait_for '.cpus[] | select(.cpu == 3) | .online == true'
s0=$(samples)
wait_for ".samples >= $((s0 + 3))"
check "CPU 3 back online is a new baseline, not a huge delta (no alert)" \
	[ "$(jqs '.alerts | length')" = 0 ]

# --- a malformed /proc/interrupts: the sample is skipped, said in status, and sampling resumes
printf '           CPU0       CPU1       CPU2       CPU3\nTLB:          1          2\n' \
	>"$sys/proc/interrupts.tmp"
mv "$sys/proc/interrupts.tmp" "$sys/proc/interrupts"
wait_for '.sample_errors > 0'
check "a malformed file is skipped: degraded, with the parser's reason in notes" \
	[ "$(jqs '.state + " " + (.notes | map(select(startswith("last sample failed"))) | length | tostring)')" = "degraded 1" ]
write_interrupts
wait_for '.state == "ok"'
check "... and sampling resumes with the next good file" [ "$(jqs .state)" = ok ]

# --- reload: a bad config is refused, the old one stays
printf 'monitor = { interval_ms = 5; };\n' >"$conf"
kill -HUP "$dpid"
wait_for '.last_reload_error != null'
st=$(status)
check "SIGHUP with a bad config: refused, last_reload_error gives file:line" \
	jqtrue --arg f "$conf:1:" '.last_reload_error | startswith($f)' <<<"$st"
check "... and the old config is still in force" [ "$(jq .interval_ms <<<"$st")" = 250 ]
write_conf 150
"$tlbisoctl" reload --runtime-dir "$run" >/dev/null
check "tlbisoctl reload as root applies a good config" \
	[ "$(jqs '(.interval_ms | tostring) + " " + (.last_reload_error | tostring)')" = "150 null" ]

# --- the socket refuses what it must, and goes on serving
if command -v setpriv >/dev/null; then
	chmod 0666 "$run/tlbiso.sock"
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$tlbisoctl" reload \
		--runtime-dir "$run" 2>&1)
	check "an unprivileged reload is refused (SO_PEERCRED)" grep -q "needs root" <<<"$out"
	chmod 0660 "$run/tlbiso.sock"
else
	ok "# SKIP setpriv not installed"
fi
if command -v python3 >/dev/null; then
	out=$(python3 - "$run/tlbiso.sock" <<'EOF'
import socket, sys
def ask(data):
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(data)
    r = s.makefile().readline(); s.close(); return r
print(ask(b'{"v":9,"cmd":"status"}\n').strip())
print(ask(b'not json\n').strip())
print(ask(b'x' * 10000).strip())
EOF
	)
	grep -q '"error":"protocol version 9 not supported' <<<"$out" &&
		grep -q '"error":"request is not one JSON object"' <<<"$out" &&
		grep -q '"error":"request too long"' <<<"$out" && [ "$(jqs .schema)" = tlbiso.status/1 ]
	check "bad version, malformed and oversized requests get errors; the daemon serves on" [ $? -eq 0 ]
else
	ok "# SKIP python3 not installed"
fi

# --- a hook that hangs is killed at its timeout, and the loop goes on
printf '#!/bin/sh\nexec sleep 100\n' >"$tmp/hang"
chmod 755 "$tmp/hang"
write_conf 250 "$tmp/hang"
kill -HUP "$dpid"
gen_start 'RES[3]=$((RES[3] + 20))'
wait_for '[.alerts[] | select(.type == "ipi_other")] | length == 1'
check "RES on one CPU raises ipi_other there" \
	[ "$(jqs -c '[.alerts[] | select(.type == "ipi_other") | .source, .cpus]')" = '["RES",[3]]' ]
gen_stop
killed=no
for i in $(seq 300); do
	grep -q "hook $tmp/hang killed by signal 9" "$tmp/daemon.log" && killed=yes && break
	sleep 0.1
done
check "a hook that hangs is killed after hook_timeout_ms and reaped" [ $killed = yes ]
check "... while the daemon kept serving" [ "$(jqs .schema)" = tlbiso.status/1 ]

# --- SIGTERM: a clean stop
stop_daemon
rc=$?
check "SIGTERM stops the daemon with exit 0 and removes the socket" [ $rc -eq 0 -a ! -e "$run/tlbiso.sock" ]

# --- systemd notifications: READY after the first sample, RELOADING, WATCHDOG, STOPPING
if command -v python3 >/dev/null; then
	python3 - "$tmp/notify.sock" "$tmp/notify.log" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "w", buffering=1) as out:
    while True:
        msg = s.recv(4096).decode()
        out.write(msg.replace("\n", "|") + "\n")
        if "STOPPING=1" in msg:
            break
EOF
	lpid=$!
	for i in $(seq 50); do [ -S "$tmp/notify.sock" ] && break; sleep 0.1; done
	NOTIFY_SOCKET=$tmp/notify.sock WATCHDOG_USEC=10000000 start_daemon --sysroot "$sys"
	wait_for '.samples >= 3'
	kill -HUP "$dpid"
	wait_for '.samples >= 6'
	stop_daemon
	wait "$lpid"
	check "sd_notify: READY=1 with a STATUS line naming the state and the isolated CPUs" \
		grep -q '^READY=1|STATUS=ok; isolated 2-3; 0 alerts active; last sample' "$tmp/notify.log"
	check "sd_notify: RELOADING=1 with MONOTONIC_USEC on SIGHUP, READY=1 after it" \
		bash -c "grep -A3 '^RELOADING=1|MONOTONIC_USEC=[0-9]' '$tmp/notify.log' | grep -q '^READY=1'"
	check "sd_notify: WATCHDOG=1 on each sample when the watchdog is on" \
		grep -q '^WATCHDOG=1|STATUS=' "$tmp/notify.log"
	check "sd_notify: STOPPING=1 last" [ "$(tail -1 "$tmp/notify.log")" = "STOPPING=1" ]
else
	for i in 1 2 3 4; do ok "# SKIP python3 not installed"; done
fi

# --- a kernel with COALESCE_TLBI, PTI and nohz_full: deferral expected, then broken
mkdir -p "$sys/boot"
printf 'CONFIG_NO_HZ_FULL=y\nCONFIG_PAGE_TABLE_ISOLATION=y\nCONFIG_COALESCE_TLBI=y\n' \
	>"$sys/boot/config-6.1.0-test"
printf 'processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu pti\n\n' >"$sys/proc/cpuinfo"
rm -rf "$state"
start_daemon --sysroot "$sys"
wait_for '.samples >= 1'
check "COALESCE_TLBI + PTI + nohz_full: deferral expected, state file says so" \
	[ "$(jqs '.deferral.mechanism')/$(jq -r .last.deferral_expected "$state/state")" = coalesce_tlbi/true ]
gen_start 'CAL[2]=$((CAL[2] + 4)) CAL[3]=$((CAL[3] + 4))'
wait_for '[.alerts[] | select(.type == "deferral_regressed")] | length == 1'
st=$(status)
gen_stop
check "kernel flushes despite deferral raise deferral_regressed (critical, CAL, CPUs 2-3)" \
	[ "$(jq -c '[.state, (.alerts[0] | .type, .severity, .source, .cpus)]' <<<"$st")" = \
		'["regressed","deferral_regressed","critical","CAL",[2,3]]' ]
stop_daemon
# the next boot lost PTI: the state file remembers that deferral was in force
printf 'processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu\n\n' >"$sys/proc/cpuinfo"
echo "11111111-0b0a-0908-0706-050403020100" >"$sys/proc/sys/kernel/random/boot_id"
start_daemon --sysroot "$sys"
wait_for '.samples >= 1'
check "a boot that lost PTI raises deferral_regressed from the state file" \
	[ "$(jqs -c '[.deferral.expected, (.alerts[] | select(.type == "deferral_regressed") | .source)]')" = \
		'[false,"state"]' ]
stop_daemon
rm -f "$sys/proc/cpuinfo" "$sys/boot/config-6.1.0-test"

# --- the state file says the previous boot had deferral: deferral_regressed at start
echo '{"schema":"tlbiso.state/1","last":{"release":"6.1.0-coalesce","boot_id":"x","deferral_expected":true,"mechanism":"coalesce_tlbi"}}' \
	>"$state/state"
start_daemon --sysroot "$sys"
wait_for '.samples >= 1'
check "a lost deferral (state file) raises deferral_regressed on CPUs 2-3, state regressed" \
	[ "$(jqs '.state + " " + ([.alerts[] | select(.type == "deferral_regressed") | .source + ":" + (.cpus | map(tostring) | join("-"))] | join(","))')" = "regressed state:2-3" ]
stop_daemon

# --- a state dir that cannot be written: degraded mode, said in status
"$tlbisod" --config "$conf" --sysroot "$sys" --runtime-dir "$run" --state-dir "$conf/sub" \
	>>"$tmp/daemon.log" 2>&1 &
dpid=$!
wait_for '.samples >= 1'
check "an unwritable state dir gives degraded mode, explained in notes" \
	[ "$(jqs '.state + " " + (.notes | map(select(contains("state file not writable"))) | length | tostring)')" = "degraded 1" ]
stop_daemon

show_log_on_failure
exit 0
