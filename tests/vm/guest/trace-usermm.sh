#!/bin/sh
# In the 6.1 guest (receiver path): munmap() by one thread of gen-usermm
# while another spins on the isolated CPU must be attributed to gen-usermm's
# own process as user-mm shootdowns, about one per munmap.
set -u
. "$(dirname "$0")/trace-lib.sh"
trace_guest_setup
command -v gen-usermm >/dev/null || skip_all "gen-usermm not on PATH"

echo "1..4"
secs=3
trace_start $((secs + 4)) || { notok "trace armed"; exit 0; }
gen-usermm "$isol" $secs >"$tmp/gen.out" &
gpid=$!
wait $gpid
munmaps=$(cat "$tmp/gen.out")
wait $tpid
check "trace exits 0" [ $? -eq 0 ]
check "receiver path on this kernel" [ "$(jq -r .kernel_path "$tmp/trace.json")" = receiver ]
q="[.entries[] | select(.class == \"user_mm_shootdown\" and .sender.pid == $gpid)]"
got=$(jq "$q | map(.count) | add // 0" "$tmp/trace.json")
comm=$(jq -r "$q | .[0].sender.comm // \"\"" "$tmp/trace.json")
echo "# $munmaps munmaps; $got user-mm shootdowns attributed to pid $gpid ($comm)"
check "attributed to gen-usermm's own process" [ "$comm" = gen-usermm ]
check "about one per munmap (within 10%)" \
	[ "$got" -ge $((munmaps * 9 / 10)) -a "$got" -le $((munmaps * 11 / 10)) ]
