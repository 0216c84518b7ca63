# shellcheck shell=sh
# hk-apply-restore - tlbisod with housekeeping { apply = true; }: every
# movable IRQ's effective affinity leaves CPUs 2-3, the workqueue cpumask
# becomes the housekeeping CPUs, a managed (unmovable) IRQ is reported and
# is not an error, and SIGTERM restores every value byte for byte.

# shellcheck source=../lib.sh
. /usr/lib/tlbiso-vm/lib.sh
# shellcheck source=../daemon.sh
. /usr/lib/tlbiso-vm/daemon.sh
# shellcheck source=../hk-lib.sh
. /usr/lib/tlbiso-vm/hk-lib.sh
need tlbisoctl tlbisod

fresh_state
hk_conf
hk_snapshot /tmp/hk.before
if ! daemon_start "$HK_CONF"; then
	not_ok "tlbisod starts with housekeeping apply = true"
	exit 0
fi
check "tlbisod applies housekeeping" poll 10 100000 hk_applied
diag "housekeeping: $(jq -c .housekeeping /tmp/status.json)"

# x86 IO-APIC IRQs move at their next interrupt: one that has not fired
# since the apply still shows its old effective CPU while its requested
# mask is already right ("pending").  Let the devices interrupt first.
sleep 1
unmov=" $(jq -r '.housekeeping.unmovable_irqs[]?' /tmp/status.json | tr '\n' ' ')"
bad=0
for d in /proc/irq/[0-9]*; do
	n=${d##*/}
	read -r eff <"$d/effective_affinity_list" 2>/dev/null ||
		read -r eff <"$d/smp_affinity_list"
	touches_isolated "$eff" || continue
	case $unmov in *" $n "*) continue ;; esac
	grep -q "^ *$n:" /proc/interrupts || continue # no handler: nothing to move
	read -r req <"$d/smp_affinity_list"
	if ! touches_isolated "$req"; then
		diag "irq $n: requested $req, effective $eff: move pending"
		continue
	fi
	diag "irq $n still on $eff"
	bad=1
done
check "every movable IRQ is off CPUs $HK_ISO" [ "$bad" -eq 0 ]

read -r wq </sys/devices/virtual/workqueue/cpumask
wqn=$(echo "$wq" | tr -d ,)
check "workqueue cpumask is the housekeeping CPUs ($wq)" [ "$((0x$wqn))" -eq "$HK_MASK" ]

nman=$(jq '.housekeeping.unmovable_irqs | length' /tmp/status.json)
if ! jqt '.housekeeping.last_error == null' /tmp/status.json; then
	not_ok "unmovable IRQs ($nman) reported, no error"
	diag "last_error: $(jq -r .housekeeping.last_error /tmp/status.json)"
elif [ "$nman" -gt 0 ]; then
	ok "$nman managed IRQ(s) reported as unmovable, not as errors"
else
	skip "a managed IRQ is reported, not an error" "no managed IRQ in this guest"
fi
check "the restore journal is written" [ -s "$HK_JOURNAL" ]

daemon_stop
hk_snapshot /tmp/hk.after
check "SIGTERM restores every value byte for byte" hk_same /tmp/hk.before /tmp/hk.after
check "and removes the journal" [ ! -e "$HK_JOURNAL" ]
grep 'housekeeping' "$DAEMON_LOG" | tail -n 3 | while IFS= read -r l; do diag "  tlbisod: $l"; done
