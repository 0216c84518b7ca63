# shellcheck shell=bash
# tap.sh - host-side TAP writer (sourced by tests/vm/run).
#
# Test points are numbered here, as they arrive, and the plan is printed
# last (TAP allows a trailing plan), because the guest decides how many
# points each scenario has.  Only TAP goes to stdout; chatter goes to
# stderr through note().

TAP_N=0
TAP_FAILED=0

tap_ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $*"; }
tap_diag() { echo "# $*"; }
note() { echo "tests/vm/run: $*" >&2; }

tap_not_ok() {
	TAP_N=$((TAP_N + 1))
	echo "not ok $TAP_N - $*"
	TAP_FAILED=$((TAP_FAILED + 1))
}

# tap_check DESCRIPTION CMD...: one point from a command's exit status.
tap_check() {
	local desc=$1
	shift
	if "$@"; then tap_ok "$desc"; else tap_not_ok "$desc"; fi
}

# tap_guest_line "ok - desc" | "not ok - desc": number a guest point.
# A "not ok" marked TODO is an expected failure and does not count.
tap_guest_line() {
	local line=$1
	TAP_N=$((TAP_N + 1))
	case $line in
	"not ok - "*)
		echo "not ok $TAP_N - ${line#not ok - }"
		case $line in
		*"# TODO"*) ;;
		*) TAP_FAILED=$((TAP_FAILED + 1)) ;;
		esac
		;;
	*) echo "ok $TAP_N - ${line#ok - }" ;;
	esac
}

# tap_skip_all REASON: nothing can run here; CI=true turns it into a failure.
tap_skip_all() {
	if [ "${CI:-}" = true ]; then
		tap_not_ok "VM suite can run (CI=true): $*"
		tap_finish
	fi
	echo "1..0 # SKIP $*"
	exit 0
}

# tap_finish: print the plan and exit non-zero if anything failed.
tap_finish() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ] || exit 1
	exit 0
}
