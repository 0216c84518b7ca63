#!/bin/bash
# `snapshot` then `check --sysroot` gives the verdicts of the live check.
#
# Excluded from the live-vs-dump comparison, and why:
#  - kconfig.* evidence "source"/"path": the dump carries /proc/config.gz
#    decompressed as boot/config-<release>, so the source differs by design;
#  - kthread.affinity evidence, summary and remedy: kworkers come and go
#    between the two runs (its status is still compared);
#  - live checks (--sample): they skip on a dump (asserted separately).
# On fixtures (static trees) nothing is excluded: a snapshot of a fixture
# must check exactly like the fixture.
. "${top_srcdir:-.}/tests/cli/lib.sh"
need_jq


norm='del(.checks[] | select(.id | startswith("kconfig.")) | .evidence.source, .evidence.path)
      | (.checks[] | select(.id == "kthread.affinity")) |= {id, status, live}'

run snapshot "$tmp/live"
tap $([ "$rc" = 0 ] && echo 0 || echo 1) "snapshot of this machine succeeds"
for f in proc/interrupts proc/cmdline proc/cpuinfo proc/sys/kernel/osrelease \
	sys/devices/system/cpu/online tlbiso/cpuid "boot/config-$(uname -r)"; do
	[ -s "$tmp/live/$f" ]
	tap $? "snapshot holds $f"
done

for args in "" "--cpus $LIVECPU" "--cpus 0"; do
	# shellcheck disable=SC2086
	"$TLBISOCTL" check --json $args >"$tmp/a.json"
	# shellcheck disable=SC2086
	"$TLBISOCTL" check --json --sysroot "$tmp/live" $args >"$tmp/b.json"
	if diff -u <(jq -S "$norm" "$tmp/a.json") <(jq -S "$norm" "$tmp/b.json") >"$tmp/d"; then
		tap 0 "live and snapshot verdicts agree (check $args)"
	else
		tap 1 "live and snapshot verdicts agree (check $args)"
		head -30 "$tmp/d" | sed 's/^/# /'
	fi
done

"$TLBISOCTL" check --json --sysroot "$tmp/live" --cpus $LIVECPU --sample 1 >"$tmp/s.json"
jq -e '[.checks[] | select(.live)] | length == 5 and all(.status == "skip")' "$tmp/s.json" \
	>/dev/null
tap $? "live checks skip on a snapshot"

for dir in "$FIXTURES"/*/; do
	dir=${dir%/}
	name=${dir##*/}
	[ -d "$dir/proc" ] || continue
	args=
	[ -f "$dir/check-args" ] && args=$(cat "$dir/check-args")
	rm -rf "$tmp/fx"
	"$TLBISOCTL" snapshot --sysroot "$dir" "$tmp/fx" 2>/dev/null
	# shellcheck disable=SC2086
	"$TLBISOCTL" check --json --sysroot "$dir" $args >"$tmp/a.json"
	# shellcheck disable=SC2086
	"$TLBISOCTL" check --json --sysroot "$tmp/fx" $args >"$tmp/b.json"
	diff <(jq -S . "$tmp/a.json") <(jq -S . "$tmp/b.json") >"$tmp/d"
	tap $? "a snapshot of fixture $name checks exactly like it"
done
tap_done
