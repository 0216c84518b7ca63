# shellcheck shell=sh
# check - "tlbisoctl check --json" on a kernel we know: Debian's 6.1 with
# CPUs 2-3 isolated, which has no IPI deferral (no COALESCE_TLBI).

# shellcheck source=../lib.sh
. /usr/lib/tlbiso-vm/lib.sh
need tlbisoctl

out=/tmp/check.json
tlbisoctl check --json >$out 2>/tmp/check.err
rc=$?
export_file check/check.json $out
diag "tlbisoctl check --json exited with $rc"
jq -r '.checks[]? | "\(.id): \(.status) - \(.summary)"' $out 2>/dev/null |
	while IFS= read -r l; do diag "  $l"; done

if ! check "output is tlbiso.check/1 JSON" \
	jqt '.schema == "tlbiso.check/1"' $out; then
	sed 's/^/stderr: /' /tmp/check.err | while IFS= read -r l; do diag "$l"; done
	exit 0
fi

# Few jq runs, then plain shell: under TCG every jq start costs a lot.
# Top-level facts as shell assignments (jq's @sh quotes them safely) ...
isolated='' housekeeping='' release='' fails=-1 counts_ok=''
eval "$(jq -r '@sh "isolated=\(.isolated_cpus // "") housekeeping=\(.housekeeping_cpus // "")
	release=\(.kernel.release // "") fails=\(.summary.fail // -1)
	counts_ok=\(.summary as $s | (reduce .checks[] as $c ({}; .[$c.status] += 1)) as $n |
	  all(("pass", "warn", "fail", "skip"); ($s[.] // 0) == ($n[.] // 0)))"' $out)"
# ... and one "id status remedy-length" line per check.
jq -r '.checks[] | "\(.id) \(.status) \((.remedy // "") | tostring | length)"' $out >/tmp/check.ids

# status_of ID: sets st (status, empty if absent) and rl (remedy length).
status_of() {
	st='' rl=0
	while read -r _id _st _rl; do
		[ "$_id" = "$1" ] && st=$_st rl=$_rl && return 0
	done </tmp/check.ids
	return 1
}
is() { [ "$1" = "$2" ]; }
present_not() { [ -n "$1" ] && [ "$1" != "$2" ]; }

check "isolated_cpus is 2-3 ($isolated)" is "$isolated" 2-3
check "housekeeping_cpus is 0-1 ($housekeeping)" is "$housekeeping" 0-1
check "kernel.release is $(uname -r)" is "$release" "$(uname -r)"
for id in cmdline.nohz_full sysfs.nohz_full kconfig.no_hz_full; do
	status_of $id
	check "$id is pass (${st:-absent})" is "$st" pass
done
status_of kconfig.coalesce_tlbi
check "kconfig.coalesce_tlbi is present and not pass (${st:-absent}; 6.1 has no COALESCE_TLBI)" \
	present_not "$st" pass
status_of tlb.deferral
check "tlb.deferral is present and not pass (${st:-absent})" present_not "$st" pass
check "tlb.deferral has a remedy" ge "$rl" 1
want=0
[ "$fails" -gt 0 ] && want=1
check "exit status $rc is 1 iff summary.fail ($fails) > 0" eq "$rc" "$want"
check "summary counts match the checks" is "$counts_ok" true
