#!/usr/bin/env bash
# The housekeeping verbs end to end: plan, bootargs (dry run and --apply on a
# sysroot with fake bootloader tools), restore; their JSON and exit codes.
set -u

builddir=${top_builddir:-.}
srcdir=${top_srcdir:-.}
ctl=$builddir/cli/tlbisoctl
killer=$builddir/tests/hk-killer
if [ ! -x "$ctl" ] || [ ! -x "$killer" ] || ! command -v jq >/dev/null; then
	echo "1..0 # SKIP tlbisoctl or hk-killer not built, or jq missing"
	exit 0
fi
tmp=$(mktemp -d /tmp/tlbiso-hkcli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
topo=$srcdir/tests/fixtures/topologies
n=0
t() { # t DESCRIPTION COMMAND...: ok when the command succeeds
	local d=$1
	shift
	n=$((n + 1))
	if "$@" >/dev/null 2>&1; then echo "ok $n - $d"; else echo "not ok $n - $d"; fi
}
rc_is() { # rc_is WANT COMMAND...
	local want=$1
	shift
	"$@" >/dev/null 2>&1
	[ $? -eq "$want" ]
}

echo "1..12"
"$ctl" plan --sysroot "$topo/2s48-smt" --reserve 5 --json >"$tmp/plan.json"
t "plan --json: schema and the two cpulists" \
	jq -e '.schema == "tlbiso.plan/1" and .isolated_cpus == "2-11,13-23,26-35,37-47" and
		.housekeeping_cpus == "0-1,12,24-25,36" and (.reasons | length) >= 4' "$tmp/plan.json"
t "plan text names every rule" \
	sh -c "'$ctl' plan --sysroot '$topo/smt2' | grep -q 'boot CPU' &&
		'$ctl' plan --sysroot '$topo/smt2' | grep -q 'whole cores'"
t "plan: --isolate with --reserve is a usage error (2)" \
	rc_is 2 "$ctl" plan --isolate 2 --reserve 2
t "plan: an impossible request fails (1)" rc_is 1 "$ctl" plan --sysroot "$topo/smt2" --isolate 8
t "plan --help exits 0" rc_is 0 "$ctl" plan --help

# A Debian-like sysroot with a tuned-style cmdline and fake update-grub.
root=$tmp/root
mkdir -p "$root/proc/sys/kernel" "$root/etc/default" "$tmp/bin"
cp -a "$topo/smt2/sys" "$root/"
echo "BOOT_IMAGE=/vmlinuz ro quiet isolcpus=3 isolcpus=1-2" >"$root/proc/cmdline"
echo "6.1.0-13-amd64" >"$root/proc/sys/kernel/osrelease"
echo 'GRUB_CMDLINE_LINUX="console=ttyS0 isolcpus=3"' >"$root/etc/default/grub"
printf '#!/bin/sh\necho update-grub >>%s/ran\n' "$tmp" >"$tmp/bin/update-grub"
chmod +x "$tmp/bin/update-grub"
PATH=$tmp/bin:$PATH "$ctl" bootargs --sysroot "$root" --json >"$tmp/ba.json"
t "bootargs: the plan's CPUs, isolcpus replaced once, dry run by default" \
	jq -e '.isolated_cpus == "1-3,5-7" and .bootloader == "grub" and .applied == false and
		(.params[] | select(.token | startswith("isolcpus=")) | .change) == "replaced" and
		(.cmdline | test("isolcpus=3") | not)' "$tmp/ba.json"
t "bootargs dry run wrote nothing" test ! -e "$root/etc/default/grub.d/tlbiso.cfg" -a ! -e "$tmp/ran"
PATH=$tmp/bin:$PATH "$ctl" bootargs --sysroot "$root" --cpus 2-3,6-7 --apply >"$tmp/ba.txt"
t "bootargs --apply writes the drop-in, runs update-grub, leaves the reboot to the user" \
	sh -c "grep -q 'nohz_full=2-3,6-7' '$root/etc/default/grub.d/tlbiso.cfg' &&
		grep -q update-grub '$tmp/ran' && grep -q 'reboot is your decision' '$tmp/ba.txt'"
t "bootargs: isolating CPU 0 is refused (2)" rc_is 2 "$ctl" bootargs --sysroot "$root" --cpus 0-1
t "bootargs: an unknown bootloader is a usage error (2)" \
	rc_is 2 "$ctl" bootargs --bootloader lilo

# restore by hand on a journal left behind.
mkdir -p "$root/proc/irq/24" "$tmp/run"
echo 0-3 >"$root/proc/irq/24/smp_affinity_list"
cp "$root/proc/irq/24/smp_affinity_list" "$tmp/orig"
"$killer" apply --sysroot "$root" --runtime-dir "$tmp/run" 2>/dev/null
t "restore by hand puts the value back and removes the journal" \
	sh -c "test -s '$tmp/run/restore.journal' &&
		! cmp -s '$tmp/orig' '$root/proc/irq/24/smp_affinity_list' &&
		'$ctl' restore --runtime-dir '$tmp/run' --sysroot '$root' >/dev/null &&
		cmp -s '$tmp/orig' '$root/proc/irq/24/smp_affinity_list' &&
		test ! -e '$tmp/run/restore.journal'"
t "restore with no journal says so and exits 0" \
	sh -c "'$ctl' restore --runtime-dir '$tmp/run' | grep -q 'nothing to restore'"
