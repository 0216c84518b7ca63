# shellcheck shell=sh
# snapshot - the guest half: take a snapshot and export it, with the live
# "check --json" it should reproduce.  The host half (lib/snapshot-
# compare.sh) runs "check --sysroot" on it after the VM has powered off.

# shellcheck source=../lib.sh
. /usr/lib/tlbiso-vm/lib.sh
need tlbisoctl

rm -rf /tmp/snap
tlbisoctl snapshot /tmp/snap >/tmp/snap.out 2>&1
rc=$?
check "tlbisoctl snapshot /tmp/snap exits 0 (got $rc)" eq "$rc" 0
nfiles=$(find /tmp/snap -type f 2>/dev/null | wc -l)
check "the snapshot holds files ($nfiles)" ge "$nfiles" 1
[ "$rc" -eq 0 ] || tail -n 5 /tmp/snap.out | while IFS= read -r l; do diag "$l"; done

tar -czf /tmp/snap.tar.gz -C /tmp snap
tlbisoctl check --json >/tmp/check.json 2>/dev/null
check "snapshot and live check exported" eval \
	'export_file snapshot/snap.tar.gz /tmp/snap.tar.gz &&
	 export_file snapshot/check.json /tmp/check.json'
