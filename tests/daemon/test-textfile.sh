#!/bin/bash
# The Prometheus textfile is rewritten when its content changed, and again
# when it has gone; an unchanged one is left alone (same inode: every write
# is a rename of a new file). Speaks TAP.
set -u

# shellcheck source=tests/daemon/lib.sh
. "${top_srcdir:-.}/tests/daemon/lib.sh"
tl_tmpdir tlbiso-textfile
prom=$tmp/tlbiso.prom
# until_true COMMAND...: poll for up to 30 s.
until_true() {
	for _ in $(seq 300); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
# inode and mtime to the ns: a rename of a new file changes them
inode() { stat -c '%i %y' "$prom" 2>/dev/null; }
# samples: the daemon's sample count (its status has one "samples" key)
samples() {
	status 2>/dev/null | sed -n 's/^ *"samples": *\([0-9]*\).*/\1/p'
}
samples_at_least() {
	local s
	s=$(samples)
	[ -n "$s" ] && [ "$s" -ge "$1" ]
}

echo "1..4"
make_sysroot
start_textfile_daemon "$prom"
check "the textfile is written" until_true test -s "$prom"
# a few samples with the same counters: the content, hence the file, stays
until_true samples_at_least 3
before=$(inode) s0=$(samples)
until_true samples_at_least $((${s0:-0} + 5))
check "an unchanged textfile is not rewritten (5 samples later)" test -n "$before" -a "$(inode)" = "$before"
TLB[3]=$((TLB[3] + 7)) CAL[3]=$((CAL[3] + 7))
write_interrupts
check "a change is written" until_true grep -qx 'tlbiso_interrupts_total{cpu="3",source="TLB"} 7' "$prom"
rm -f "$prom"
check "a removed textfile is written again" until_true test -s "$prom"
