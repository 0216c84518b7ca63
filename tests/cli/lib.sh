# Shared by the shell tests of tests/cli: TAP output and paths.
# shellcheck shell=sh
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
TLBISOCTL=${TLBISOCTL:-$builddir/cli/tlbisoctl}
FIXTURES=$srcdir/tests/fixtures/sysroots
tap_n=0
tap_failed=0
# Scratch space for run(); each test adds its own files under $tmp.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A CPU to isolate in live tests: the last online one (not CPU 0 on SMP).
LIVECPU=$(($(getconf _NPROCESSORS_ONLN) - 1))

# ok COND-STATUS DESCRIPTION
tap() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=1
	fi
}

# Print the plan at the end and exit with the overall result.
tap_done() {
	echo "1..$tap_n"
	exit 0
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

need_jq() {
	command -v jq >/dev/null 2>&1 || skip_all "jq not installed"
}

# Run tlbisoctl, keeping stdout, stderr and the exit status in $out $err $rc.
# A sanitizer report ends the program before stdio is flushed, so the test
# would only see truncated output: the report goes into the TAP log instead.
run() {
	out=$tmp/run.out
	err=$tmp/run.err
	"$TLBISOCTL" "$@" >"$out" 2>"$err"
	rc=$?
	if grep -q 'Sanitizer\|runtime error' "$err"; then
		echo "# tlbisoctl $*: exit $rc, sanitizer report:"
		head -60 "$err" | sed 's/^/#   /'
	fi
}
