#!/usr/bin/env bash
# A device IRQ moved back by hand onto CPU 2 is detected as drift, logged with
# its name, and moved away again within an interval.
. "$(dirname "$0")/hk-lib.sh"
hk_guard
echo "1..2"
hk_start 500
irq=$(sed -n 's/^applied irq_affinity irq \([0-9]*\).*/\1/p' "$tmp/log" | head -1)
if [ -z "$irq" ]; then
	echo "ok 1 # SKIP no movable IRQ was moved"
	echo "ok 2 # SKIP no movable IRQ was moved"
	exit 0
fi
first=${iso%%[-,]*}
echo "$first" >"/proc/irq/$irq/smp_affinity_list"
moved=0
for _ in $(seq 1 40); do # 2 s at most: 4 intervals
	touches_isolated "$(cat "/proc/irq/$irq/smp_affinity_list")" || { moved=1; break; }
	sleep 0.05
done
[ $moved -eq 1 ] && echo "ok 1 - irq $irq moved away from CPU $first again" ||
	echo "not ok 1 - irq $irq moved away from CPU $first again"
grep -q "^drift irq_affinity irq $irq\b" "$tmp/log" &&
	echo "ok 2 - the drift is logged: $(grep -m1 "^drift irq_affinity irq $irq\b" "$tmp/log")" ||
	echo "not ok 2 - the drift is logged"
hk_stop
