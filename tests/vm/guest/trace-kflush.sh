#!/bin/sh
# In the 6.1 guest (receiver path): vmalloc churn from gen-kflush makes
# kernel-range flush IPIs; they must be classed kernel_tlb_flush, with the
# comm of the task that asked for the flush (often a kworker purging the
# lazily freed areas on gen-kflush's behalf).
set -u
. "$(dirname "$0")/trace-lib.sh"
trace_guest_setup
command -v gen-kflush >/dev/null || skip_all "gen-kflush not on PATH"
[ -e $tfs/kprobe_events ] ||
	skip_all "no kprobe events in this kernel"

echo "1..3"
secs=5
trace_start $((secs + 4)) || { notok "trace armed"; exit 0; }
gen-kflush $secs >"$tmp/gen.out"
wait $tpid
check "trace exits 0" [ $? -eq 0 ]
q='[.entries[] | select(.class == "kernel_tlb_flush")]'
got=$(jq "$q | map(.count) | add // 0" "$tmp/trace.json")
comm=$(jq -r "$q | .[0].sender.comm // \"\"" "$tmp/trace.json")
echo "# $(cat "$tmp/gen.out") maps; $got kernel TLB flush IPIs, top sender '$comm'"
check "kernel-range flush IPIs classed kernel_tlb_flush" [ "$got" -gt 0 ]
check "with the sender's comm" [ -n "$comm" ]
