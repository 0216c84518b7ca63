# shellcheck shell=sh
# trace-lib.sh - "tlbisoctl trace" on an isolated CPU, for the trace-*
# scenarios (busybox sh, sourced after lib.sh).  On 6.1 the tracer takes
# the receiver path (ipi entry tracepoints and kprobes on the flush
# functions); arming them interrupts every CPU once, so no scenario
# measures interrupt counts while a trace starts.

TFS=/sys/kernel/tracing
TRACE_CPU=3 # the last isolated CPU

# trace_setup: skip the scenario when tracefs is missing.
trace_setup() {
	need tlbisoctl
	if [ ! -d "$TFS/instances" ]; then
		skip "all tests" "no tracefs in this guest"
		exit 0
	fi
}

# _trace_armed: the private instance of our tracer has an event enabled.
_trace_armed() {
	grep -qs 1 "$TFS/instances/tlbiso-$TPID"/events/*/*/enable
}
_trace_alive() { kill -0 "$TPID" 2>/dev/null; }

# trace_start: trace TRACE_CPU into /tmp/trace.json; bounded wait until
# armed.  1 if the tracer died or never armed.  Its --duration is only a
# backstop: trace_stop ends it when the generator is done, which is both
# shorter and independent of how slowly TCG runs the generator.
trace_start() {
	tlbisoctl trace --cpus "$TRACE_CPU" --duration 60 --json \
		>/tmp/trace.json 2>/tmp/trace.err &
	TPID=$!
	poll 30 50000 _trace_armed_or_dead
	_trace_alive && _trace_armed || {
		diag "tlbisoctl trace: $(tail -n 3 /tmp/trace.err)"
		return 1
	}
	sleep 1 # the instance's other events are enabled right after
}
_trace_armed_or_dead() { _trace_armed || ! _trace_alive; }

# trace_stop: end the tracer (SIGTERM: it reports what it saw; SIGINT
# would be ignored by a background job of a non-interactive shell), then
# wait for it, bounded; sets TRC to its exit status.
trace_stop() {
	usleep 500000 # the last IPIs' events reach the buffer
	kill -TERM "$TPID" 2>/dev/null
	TRC=124
	_trace_wait_n=0
	while _trace_alive; do
		_trace_wait_n=$((_trace_wait_n + 1))
		[ "$_trace_wait_n" -lt 300 ] || { kill -9 "$TPID"; break; }
		usleep 100000
	done
	wait "$TPID"
	TRC=$?
	[ -s /tmp/trace.err ] && tail -n 3 /tmp/trace.err | while IFS= read -r l; do
		diag "  trace: $l"
	done
	return 0
}
