# shellcheck shell=sh
# trace-usermm - "tlbisoctl trace" on 6.1 (receiver path): munmaps by one
# thread of gen-usermm while another spins on CPU 3 are attributed to
# gen-usermm's own process as user-mm shootdowns, about one per munmap.

# shellcheck source=../lib.sh
. /usr/lib/tlbiso-vm/lib.sh
# shellcheck source=../trace-lib.sh
. /usr/lib/tlbiso-vm/trace-lib.sh
trace_setup
need gen-usermm

secs=3
if ! trace_start; then
	not_ok "tlbisoctl trace arms its instance"
	exit 0
fi
gen-usermm "$TRACE_CPU" "$secs" >/tmp/gen.out &
G=$!
wait_pid "$G" $((secs + 20)) || stop_pid "$G"
munmaps=$(cat /tmp/gen.out)
trace_stop
check "trace exits 0" [ "$TRC" -eq 0 ]
export_file trace-usermm/trace.json /tmp/trace.json
kpath=$(jq -r .kernel_path /tmp/trace.json 2>/dev/null)
check "the receiver path on this kernel ($kpath)" [ "$kpath" = receiver ]
q="[.entries[]? | select(.class == \"user_mm_shootdown\" and .sender.pid == $G)]"
got=$(jq "$q | map(.count) | add // 0" /tmp/trace.json)
comm=$(jq -r "$q | .[0].sender.comm // \"\"" /tmp/trace.json)
diag "$munmaps munmaps; $got user-mm shootdowns attributed to pid $G ($comm)"
check "attributed to gen-usermm's own process" [ "$comm" = gen-usermm ]
# Each munmap of a page the spinner's mm has mapped costs CPU 3 one IPI;
# 10% either way for the spinner's start and the trace's edges.
check "about one per munmap (within 10%)" \
	[ "${munmaps:-0}" -gt 0 -a "$got" -ge $((munmaps * 9 / 10)) -a "$got" -le $((munmaps * 11 / 10)) ]
