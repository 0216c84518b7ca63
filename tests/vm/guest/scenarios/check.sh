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

# status_is ID STATUS / status_not ID STATUS: one check's status.
status_is() { jqt --arg i "$1" --arg s "$2" 'any(.checks[]; .id == $i and .status == $s)' $out; }
status_not() { jqt --arg i "$1" --arg s "$2" 'any(.checks[]; .id == $i and .status != $s)' $out; }

check "isolated_cpus is 2-3" jqt '.isolated_cpus == "2-3"' $out
check "housekeeping_cpus is 0-1" jqt '.housekeeping_cpus == "0-1"' $out
check "kernel.release is $(uname -r)" \
	jqt --arg r "$(uname -r)" '.kernel.release == $r' $out
for id in cmdline.nohz_full sysfs.nohz_full kconfig.no_hz_full; do
	check "$id is pass" status_is $id pass
done
check "kconfig.coalesce_tlbi is present and not pass (6.1 has no COALESCE_TLBI)" \
	status_not kconfig.coalesce_tlbi pass
check "tlb.deferral is present and not pass" status_not tlb.deferral pass
check "tlb.deferral has a remedy" \
	jqt 'any(.checks[]; .id == "tlb.deferral" and ((.remedy // "") | tostring | length > 0))' $out
fails=$(jq '.summary.fail' $out)
want=0
[ "${fails:-0}" -gt 0 ] && want=1
check "exit status $rc is 1 iff summary.fail ($fails) > 0" eq "$rc" "$want"
check "summary counts match the checks" jqt '
	.summary as $s | (reduce .checks[] as $c ({}; .[$c.status] += 1)) as $n |
	all(("pass", "warn", "fail", "skip"); ($s[.] // 0) == ($n[.] // 0))' $out
