# shellcheck shell=sh
# lib.sh - shared helpers for the guest scenarios (busybox sh, sourced).
#
# Protocol: every line meant for the host goes to fd 3, the dedicated
# serial port (ttyS1) opened by /init, so kernel messages on the console
# can never interleave with it.  Lines start with a tag:
#   "TAP ok - ...", "TAP not ok - ...", "TAP # ..."  test points, diags
#   "ART BEGIN name", "ART <base64>", "ART END name sha256"  artefacts
# The host numbers the test points and writes the plan.  Each line is
# also copied to the console so that the console log reads as a story.

SCEN=${SCEN:-unknown}
# shellcheck disable=SC2034 # used by the scripts that source this
TLBISO_RUNDIR=/run/tlbiso
# shellcheck disable=SC2034
TLBISO_STATEDIR=/var/lib/tlbiso

# One protocol line, to the host channel and the console.
emit() {
	printf '%s\n' "$*" >&3
	printf '%s\n' "$*"
}

ok() { emit "TAP ok - $SCEN: $*"; }
not_ok() { emit "TAP not ok - $SCEN: $*"; }
diag() { emit "TAP # $SCEN: $*"; }

# skip DESCRIPTION REASON...
skip() {
	_d=$1
	shift
	emit "TAP ok - $SCEN: $_d # SKIP $*"
}

# check DESCRIPTION CMD...: one test point from a command's exit status.
check() {
	_d=$1
	shift
	if "$@"; then ok "$_d"; else not_ok "$_d"; fi
}

# Comparisons of counts for check: le A B, ge A B, eq A B.  A negative A
# (irq_delta's "row or CPU missing") fails all of them.
le() { [ "$1" -ge 0 ] && [ "$1" -le "$2" ]; }
ge() { [ "$1" -ge 0 ] && [ "$1" -ge "$2" ]; }
eq() { [ "$1" -ge 0 ] && [ "$1" -eq "$2" ]; }

# jqt ARGS...: jq -e as a silent test (for check).
jqt() { jq -e "$@" >/dev/null 2>&1; }

# need BIN...: skip the whole scenario when a tlbiso program is missing.
need() {
	for _b in "$@"; do
		if ! command -v "$_b" >/dev/null 2>&1; then
			skip "all tests" "$_b is not in the initramfs (not built yet?)"
			exit 0
		fi
	done
}

# Floating point via awk: calc 'EXPR' (variables must be substituted).
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }

# Monotonic time in centiseconds, from /proc/uptime.
now_cs() {
	read -r _u _ </proc/uptime
	_c=${_u#*.}
	echo $((${_u%.*} * 100 + ${_c#0}))
}

# Snapshot /proc/interrupts so that all counters come from one instant.
irq_snap() { cat /proc/interrupts >"$1"; }

# irq_delta ROW CPU BEFORE AFTER: counter change between two snapshots.
irq_delta() {
	_a=$(irq-count -f "$4" "$1" "$2") || _a=
	_b=$(irq-count -f "$3" "$1" "$2") || _b=
	if [ -z "$_a" ] || [ -z "$_b" ]; then
		echo "-1"	# absent row or CPU: never passes a ">=" check
		return
	fi
	echo $((_a - _b))
}

# export_file NAME FILE: send a file to the host's artefact directory.
export_file() {
	if [ ! -f "$2" ]; then
		diag "artefact $1: $2 does not exist"
		return 1
	fi
	_sum=$(sha256sum "$2" | cut -d' ' -f1)
	printf 'ART BEGIN %s\n' "$1" >&3
	base64 "$2" | sed 's/^/ART /' >&3
	printf 'ART END %s %s\n' "$1" "$_sum" >&3
}

# wait_pid PID SECONDS: bounded wait for a process to exit; 1 on timeout.
wait_pid() {
	_n=$(($2 * 10))
	while kill -0 "$1" 2>/dev/null; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] || return 1
		usleep 100000
	done
	wait "$1" 2>/dev/null
	return 0
}

# stop_pid PID: TERM, bounded wait, then KILL.  For cleanup only.
stop_pid() {
	kill "$1" 2>/dev/null || return 0
	wait_pid "$1" 10 || kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# poll SECONDS STEP_US CMD...: retry CMD until it succeeds; 1 on timeout.
poll() {
	_end=$(($(now_cs) + $1 * 100))
	_step=$2
	shift 2
	until "$@"; do
		[ "$(now_cs)" -lt "$_end" ] || return 1
		usleep "$_step"
	done
}
