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
# (a delta whose row or CPU is missing, see irq_deltas) fails all of them.
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

# quiesce: make the kernel's pending per-CPU housekeeping happen now, not
# inside a measurement.  On 6.1 a task that starts on a nohz_full CPU
# leaves vmstat deltas there, and about 20 s later vmstat_update runs on
# that CPU (kick, tick, kworker: RES, IWI, LOC).  vm/stat_refresh folds
# the deltas on every CPU at once (interrupting 2-3 once, right here).
quiesce() {
	echo 1 >/proc/sys/vm/stat_refresh 2>/dev/null
	sleep 1
}

# Snapshot /proc/interrupts so that all counters come from one instant.
irq_snap() { cat /proc/interrupts >"$1"; }

# irq_deltas BEFORE AFTER [SECONDS]: shell assignments D_<ROW>_<CPU>=delta
# (and R_<ROW>_<CPU>=per-second rate when SECONDS is given) for the rows
# that matter here, for every CPU present in both snapshots; use it as
# eval "$(irq_deltas B A)".  One awk for all of them: under TCG each
# fork costs, and the quiet measurements should not wait on the shell.
# A row or CPU missing from either snapshot gets an empty value (never a
# stale one from an earlier call); read it as ${D_X_n:--1}.
irq_deltas() {
	awk -v secs="${3:-0}" '
	FNR == 1 {
		f++
		for (i = 1; i <= NF; i++)
			if ($i ~ /^CPU[0-9]+$/) {
				col[f, substr($i, 4)] = i + 1
				cpus[substr($i, 4)] = 1
			}
		next
	}
	$1 ~ /^(LOC|TLB|CAL|RES|IWI):$/ {
		row = substr($1, 1, 3)
		for (k in col) {
			split(k, fc, SUBSEP)
			if (fc[1] == f)
				v[f, row, fc[2]] = $(col[k])
		}
	}
	END {
		n = split("LOC TLB CAL RES IWI", rows, " ")
		for (c in cpus)
			for (j = 1; j <= n; j++) {
				r = rows[j]
				if (!((1, r, c) in v) || !((2, r, c) in v)) {
					printf "D_%s_%s=\nR_%s_%s=\n", r, c, r, c
					continue
				}
				d = v[2, r, c] - v[1, r, c]
				printf "D_%s_%s=%d\n", r, c, d
				if (secs > 0)
					printf "R_%s_%s=%.2f\n", r, c, d / secs
			}
	}' "$1" "$2"
}

# export_file NAME FILE: send a file to the host's artefact directory.
# A private copy is sent, so that a file replaced meanwhile (the daemon
# renames a new textfile over the old one) still matches its checksum.
export_file() {
	if ! cp "$2" /tmp/export.copy 2>/dev/null; then
		diag "artefact $1: cannot read $2"
		return 1
	fi
	_sum=$(sha256sum /tmp/export.copy | cut -d' ' -f1)
	printf 'ART BEGIN %s\n' "$1" >&3
	base64 /tmp/export.copy | sed 's/^/ART /' >&3
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
