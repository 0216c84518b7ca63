# Shared by the daemon's shell tests: a 4-CPU sysroot with nohz_full=2-3, as
# the VM tests boot it, whose proc/interrupts the tests rewrite. Source it
# with $sys set.

# make_sysroot: the files tlbisod reads at start.
make_sysroot() {
	mkdir -p "$sys/proc/sys/kernel/random" "$sys/sys/devices/system/cpu"
	echo "BOOT_IMAGE=/vmlinuz root=/dev/vda nohz_full=2-3 isolcpus=nohz,domain,managed_irq,2-3 rcu_nocbs=2-3" \
		>"$sys/proc/cmdline"
	echo "6.1.0-test" >"$sys/proc/sys/kernel/osrelease"
	echo "0f0e0d0c-0b0a-0908-0706-050403020100" >"$sys/proc/sys/kernel/random/boot_id"
	for f in online possible present; do echo 0-3 >"$sys/sys/devices/system/cpu/$f"; done
	echo 2-3 >"$sys/sys/devices/system/cpu/nohz_full"
	echo 2-3 >"$sys/sys/devices/system/cpu/isolated"
	write_interrupts
}

# Counters per CPU; write_interrupts renders them atomically (rename), with
# only the CPUs in $online as columns, like the kernel.
declare -a LOC=(1000 1000 10 10) RES=(50 50 1 1) CAL=(300 300 5 5) TLB=(0 0 0 0) IWI=(0 0 0 0)
declare -a IRQ24=(100 0 0 0)
online="0 1 2 3"
write_interrupts() {
	local f=$sys/proc/interrupts.tmp c
	{
		printf '     '
		for c in $online; do printf '      CPU%-4d' "$c"; done
		printf '\n'
		row() {
			local name=$1 desc=$2 c
			local -n arr=$3
			printf '%4s:' "$name"
			for c in $online; do printf ' %10u' "${arr[$c]}"; done
			printf '   %s\n' "$desc"
		}
		row 24 "PCI-MSI 512000-edge      eth0" IRQ24
		row LOC "Local timer interrupts" LOC
		row RES "Rescheduling interrupts" RES
		row CAL "Function call interrupts" CAL
		row TLB "TLB shootdowns" TLB
		row IWI "IRQ work interrupts" IWI
		printf ' ERR:          0\n'
	} >"$f"
	mv "$f" "$sys/proc/interrupts"
}
