#!/bin/bash
# scoreboard.sh - one column of the isolation scoreboard (tests/vm/scoreboard).
#
# Runs as scenario.service after multi-user.target, once per boot. The kernel
# command line says which set-up to measure (scoreboard=none|tuned|tlbiso)
# and for how long (scoreboard.seconds=N). It brings up the virtio disk and
# NIC, applies the set-up, lets it settle, then runs the same noisy load on
# the housekeeping CPUs 0-1 while oslat (through tlbisoctl latency) measures
# CPU 2 and a user-mm thread spins on CPU 3, and reports the /proc/interrupts
# deltas of CPUs 2 and 3 (read with tlbisoctl interrupts --json) as one line
# "SB <json>" on ttyS1, then "DONE" before the power-off.
set -u
exec 3>/dev/ttyS1
GEN=/usr/local/libexec/vm-e2e
CONF=/etc/tlbiso/tlbiso.conf

diag() { echo "TAP # $*" >&3; }
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p" | tail -n1; }

# wait_for SECONDS CMD...: poll until CMD succeeds; 1 on timeout. A wall
# clock deadline: under emulation one tuned-adm call alone takes seconds.
wait_for() {
	local end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# The virtio drivers are modules in Debian's kernel and udev's coldplug is
# off in this image, so they are loaded here.
devices_up() {
	local nic
	modprobe -a virtio_pci virtio_net virtio_blk 2>&1 | sed 's/^/TAP #   modprobe: /' >&3
	wait_for 20 test -b /dev/vda || diag "no /dev/vda: no disk IRQs"
	wait_for 20 bash -c '[ "$(ls /sys/class/net)" != lo ]' || diag "no NIC: no network IRQs"
	for nic in /sys/class/net/*; do [ "${nic##*/}" = lo ] || break; done
	nic=${nic##*/}
	[ "$nic" != lo ] || nic=
	ip link set lo up
	[ -n "$nic" ] || return 0
	# qemu's user-mode network: the guest is 10.0.2.15, the gateway 10.0.2.2.
	ip addr add 10.0.2.15/24 dev "$nic" && ip link set "$nic" up
	wait_for 10 ping -c1 -W1 10.0.2.2 >/dev/null 2>&1 || diag "10.0.2.2 does not answer ping"
}

tuned_active() { tuned-adm active 2>/dev/null | grep -q 'cpu-partitioning'; }
hk_applied() { tlbisoctl status --json 2>/dev/null | jq -e '.housekeeping.applied == true' >/dev/null; }

# Apply one set-up. Neither tuned nor tlbisod runs at boot (the image
# disables both), so "none" is the boot parameters alone.
setup_apply() {
	case $1 in
	none) ;;
	tuned)
		echo isolated_cores=2-3 >/etc/tuned/cpu-partitioning-variables.conf
		systemctl start tuned || diag "systemctl start tuned failed"
		timeout 300 tuned-adm profile cpu-partitioning 2>&1 | sed 's/^/TAP #   tuned-adm: /' >&3
		wait_for 60 tuned_active || diag "tuned-adm active does not show cpu-partitioning"
		diag "$(tuned-adm active 2>&1 | head -n1)"
		tuned-adm verify 2>&1 | tail -n1 | sed 's/^/TAP #   tuned-adm verify: /' >&3
		grep -E ' (ERROR|WARNING) ' /var/log/tuned/tuned.log | cut -c1-200 | sort -u -k4 |
			head -n 15 | sed 's/^/TAP #   tuned.log: /' >&3
		;;
	tlbiso)
		printf '%s\n' 'housekeeping = { apply = true; };' >"$CONF"
		tlbisod --check-config >/dev/null || diag "tlbisod refuses the housekeeping config"
		systemctl start tlbiso || diag "systemctl start tlbiso failed"
		wait_for 60 hk_applied || diag "tlbisoctl status does not show housekeeping applied"
		tlbisoctl status --json 2>/dev/null | jq -c '.housekeeping' | sed 's/^/TAP #   hk: /' >&3
		;;
	esac
}

# What the set-up left on the isolated CPUs: IRQs whose effective affinity
# still includes 2 or 3, and the unbound workqueue mask.
setup_report() {
	local f n left=
	for f in /proc/irq/*/effective_affinity_list; do
		n=${f#/proc/irq/}
		n=${n%%/*}
		grep -Eq '(^|[,-])[23]($|[,-])' "$f" 2>/dev/null && left+=" $n:$(cat "$f")"
	done
	diag "IRQs still effective on 2-3:${left:- none}"
	diag "workqueue cpumask $(cat /sys/devices/virtual/workqueue/cpumask)," \
		"default_smp_affinity $(cat /proc/irq/default_smp_affinity)"
}

# ------------------------------------------------------------- the load
# Direct, synchronous 4 KiB writes to the raw virtio disk (each a write and
# a flush), in one dd stopped by timeout; dd's errors go to stderr. The
# amount written is read from the kernel's counters, not from dd's report.
load_disk() {
	timeout "$1" dd if=/dev/zero of=/dev/vda bs=4k count=65536 oflag=direct,dsync status=none
}

# The KiB written to vda so far (field 7 of /sys/block/vda/stat: sectors).
disk_written() { awk '{ print int($7 / 2) }' /sys/block/vda/stat 2>/dev/null || echo 0; }

# A ping flood to the user-mode gateway; prints the replies received.
load_net() {
	ping -f -q -w "$1" 10.0.2.2 2>/dev/null | sed -n 's/.* \([0-9]*\) received.*/\1/p'
}

# The whole load, on CPUs 0-1, for SECONDS; oslat on CPU 2 for as long.
# Prints one JSON object: what each part did, and oslat's result.
load_run() {
	local s=$1 d=/tmp/sb
	mkdir -p $d
	disk_written >$d/disk0
	taskset -c 0-1 bash -c "$(declare -f load_disk); load_disk $s" 2>$d/disk.err &
	taskset -c 0-1 bash -c "$(declare -f load_net); load_net $s" >$d/net &
	# Timers: two threads of 500 us nanosleeps.
	taskset -c 0-1 cyclictest -q -t 2 -a 0-1 -i 500 -D "$s" >$d/cyclic 2>&1 &
	# vmalloc churn (BPF maps, pinned to CPU 0 by the generator itself).
	"$GEN/gen-kflush" "$s" >$d/kflush 2>&1 &
	# A thread spinning on CPU 3, its sibling on CPU 0 doing mmap/munmap.
	"$GEN/gen-usermm" 3 "$s" >$d/usermm 2>&1 &
	taskset -c 0-1 tlbisoctl latency --cpus 2 --duration "$s" --json >$d/oslat 2>$d/oslat.err &
	wait
	jq -n --arg disk "$(($(disk_written) - $(cat $d/disk0)))" --arg net "$(cat $d/net)" \
		--arg kflush "$(tr -dc 0-9 <$d/kflush)" --arg usermm "$(tr -dc 0-9 <$d/usermm)" \
		--slurpfile oslat <(cat $d/oslat 2>/dev/null || echo null) \
		'{disk_kib: ($disk | tonumber? // 0), ping_replies: ($net | tonumber? // 0),
		  bpf_maps: ($kflush | tonumber? // 0), munmaps: ($usermm | tonumber? // 0),
		  oslat: ($oslat[0] // null)}'
	[ -s $d/oslat ] || sed 's/^/TAP #   latency: /' $d/oslat.err >&3
	sed 's/^/TAP #   disk: /' $d/disk.err >&3
	grep virtio /proc/interrupts | tr -s ' ' | sed 's/^/TAP #   after: /' >&3
}

# The delta of every per-CPU row between two tlbisoctl interrupts --json
# snapshots, for CPUs 2 and 3; a row that appeared in between counts from 0.
irq_deltas() {
	jq -n --argjson a "$1" --argjson b "$2" '
		($a.rows | map({(.name): .counts}) | add) as $old
		| [$b.rows[] | . as $r | {name, description,
			d: [2, 3 | . as $c
			    | $r.counts[$b.cpus | index($c)]
			      - (($old[$r.name] // [])[$a.cpus | index($c)] // 0)]}]'
}

main() {
	local setup secs before after t0 t1 load rows
	setup=$(arg scoreboard)
	secs=$(arg scoreboard.seconds)
	diag "set-up ${setup:-?}, ${secs:-?} s, kernel $(uname -r)," \
		"isolated $(cat /sys/devices/system/cpu/isolated)"
	devices_up
	setup_apply "$setup"
	# Let the set-up's own work (moving IRQs, kthreads) finish first.
	sleep 10
	setup_report
	before=$(tlbisoctl interrupts --json)
	t0=$(cut -d' ' -f1 /proc/uptime)
	load=$(load_run "$secs")
	t1=$(cut -d' ' -f1 /proc/uptime)
	after=$(tlbisoctl interrupts --json)
	rows=$(irq_deltas "$before" "$after")
	echo "SB $(jq -cn --arg setup "$setup" --arg kernel "$(uname -r)" --argjson rows "$rows" \
		--argjson load "$load" --arg t0 "$t0" --arg t1 "$t1" \
		'{setup: $setup, kernel: $kernel, window_s: (($t1 | tonumber) - ($t0 | tonumber)),
		  load: $load, rows: $rows}')" >&3
	echo "DONE" >&3
	systemctl --force --force poweroff
}

main "$@"
