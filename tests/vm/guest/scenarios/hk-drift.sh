# shellcheck shell=sh
# hk-drift - a device IRQ moved back by hand onto CPU 2 while tlbisod
# applies housekeeping is detected as drift, logged with its number, and
# moved away again (the slow tick: max(1 s, 5 intervals)); on SIGTERM the
# IRQ gets back the value tlbisod found before it moved it (the hand's).

# shellcheck source=../lib.sh
. /usr/lib/tlbiso-vm/lib.sh
# shellcheck source=../daemon.sh
. /usr/lib/tlbiso-vm/daemon.sh
# shellcheck source=../hk-lib.sh
. /usr/lib/tlbiso-vm/hk-lib.sh
need tlbisoctl tlbisod

# first_device_irq: a numbered IRQ with a handler whose affinity we may set.
first_device_irq() {
	for d in /proc/irq/[0-9]*; do
		n=${d##*/}
		[ "$n" -gt 0 ] || continue
		grep -q "^ *$n:" /proc/interrupts || continue
		read -r a <"$d/smp_affinity_list"
		touches_isolated "$a" && continue
		echo "$n"
		return 0
	done
	return 1
}
irq_off_iso() { read -r _a <"/proc/irq/$IRQ/smp_affinity_list" && ! touches_isolated "$_a"; }

fresh_state
hk_conf
hk_snapshot /tmp/hk.before
if ! daemon_start "$HK_CONF" || ! poll 10 100000 hk_applied; then
	not_ok "tlbisod applies housekeeping"
	daemon_stop
	exit 0
fi
if ! IRQ=$(first_device_irq); then
	skip "a device IRQ moved onto CPU 2 is moved away" "no movable device IRQ"
	daemon_stop
	exit 0
fi
if ! echo 2 >"/proc/irq/$IRQ/smp_affinity_list"; then
	skip "a device IRQ moved onto CPU 2 is moved away" "irq $IRQ refuses CPU 2"
	daemon_stop
	exit 0
fi
diag "irq $IRQ ($(grep "^ *$IRQ:" /proc/interrupts | awk '{ print $NF }')) moved by hand to CPU 2"
# The bound is generous for TCG; the daemon's slow tick is 1.25 s here.
check "irq $IRQ is moved away from CPU 2 again" poll 10 50000 irq_off_iso
diag "irq $IRQ now on $(cat "/proc/irq/$IRQ/smp_affinity_list")"
check "status counts the drift" poll 5 100000 hk_drifted
check "the drift is logged with the IRQ" grep -q "housekeeping drift irq_affinity irq $IRQ\b" "$DAEMON_LOG"
grep -m1 "housekeeping drift" "$DAEMON_LOG" | while IFS= read -r l; do diag "  tlbisod: $l"; done
daemon_stop
hk_snapshot /tmp/hk.after
# The journal records the value found before each write of tlbisod: for
# irq $IRQ that is the hand-made "2" (issue: "restores every value it
# changed"; nothing a user had set is lost), for the others the boot's.
sed "s|^\(/proc/irq/$IRQ/smp_affinity_list\):.*|\1:2|" /tmp/hk.before >/tmp/hk.expect
check "SIGTERM restores every value as found before tlbisod changed it" \
	hk_same /tmp/hk.expect /tmp/hk.after
# Leave the guest as booted for the scenarios that follow.
sed -n "s|^/proc/irq/$IRQ/smp_affinity_list:||p" /tmp/hk.before >"/proc/irq/$IRQ/smp_affinity_list"
