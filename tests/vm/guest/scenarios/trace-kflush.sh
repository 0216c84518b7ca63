# shellcheck shell=sh
# trace-kflush - "tlbisoctl trace" on 6.1 (receiver path): vmalloc churn
# from gen-kflush makes kernel-range flush IPIs on CPU 3; they are classed
# kernel_tlb_flush with the comm of the task that asked for the flush
# (gen-kflush, or a kworker purging lazily freed areas on its behalf).

# shellcheck source=../lib.sh
. /usr/lib/tlbiso-vm/lib.sh
# shellcheck source=../trace-lib.sh
. /usr/lib/tlbiso-vm/trace-lib.sh
trace_setup
need gen-kflush
if [ ! -e "$TFS/kprobe_events" ]; then
	skip "all tests" "no kprobe events in this kernel"
	exit 0
fi

secs=3
if ! trace_start; then
	not_ok "tlbisoctl trace arms its instance"
	exit 0
fi
gen-kflush "$secs" >/tmp/gen.out
trace_stop
check "trace exits 0" [ "$TRC" -eq 0 ]
export_file trace-kflush/trace.json /tmp/trace.json
q='[.entries[]? | select(.class == "kernel_tlb_flush")]'
got=$(jq "$q | map(.count) | add // 0" /tmp/trace.json)
comm=$(jq -r "$q | max_by(.count) | .sender.comm // \"\"" /tmp/trace.json 2>/dev/null)
diag "$(cat /tmp/gen.out) maps; $got kernel TLB flush IPIs, top sender '$comm'"
jq -c "$q | .[:4][] | {count, sender}" /tmp/trace.json 2>/dev/null | while IFS= read -r l; do diag "  $l"; done
check "kernel-range flush IPIs classed kernel_tlb_flush" [ "$got" -gt 0 ]
check "with the sender's comm" [ -n "$comm" ]
