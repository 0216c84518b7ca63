#!/bin/bash
# `check --json` and `interrupts --json` are valid JSON with the documented
# shape, live on this machine and on a fixture.
. "${top_srcdir:-.}/tests/cli/lib.sh"
need_jq

# The check schema: header keys, one entry per check, counts that add up.
check_shape() {
	jq -e '. as $r | .schema == "tlbiso.check/1"
	  and (.kernel.release | type) == "string" and (.kernel.cmdline | type) == "string"
	  and (.isolated_cpus | type) == "string" and (.housekeeping_cpus | type) == "string"
	  and (.isolated_origin | IN("cli","config","nohz_full","isolated","none"))
	  and (.checks | length) >= 23
	  and all(.checks[]; (.id | type) == "string"
	      and (.status | IN("pass","warn","fail","skip"))
	      and (.live | type) == "boolean" and (.summary | length) > 0
	      and (.evidence | type) == "object" and (.remedy | type) == "string")
	  and ([.checks[].status] | group_by(.) | map({(.[0]): length}) | add) as $c
	  | all(["pass","warn","fail","skip"][]; $r.summary[.] == ($c[.] // 0))' "$1" >/dev/null
}

# The interrupts schema: one count per CPU in every per-CPU row.
irq_shape() {
	jq -e '(.cpus | length) > 0 and (.cpus | all(type == "number"))
	  and (.cpus | length) as $n
	  | all(.rows[]; (.name | type) == "string" and (.description | type) == "string"
	        and (.counts | length) == $n)
	  and all(.global[]; (.name | type) == "string" and (.value | type) == "number")' \
		"$1" >/dev/null
}

run check --json
[ "$rc" -le 1 ] && check_shape "$out"
tap $? "live check --json has the tlbiso.check/1 shape (exit $rc)"

run check --json --cpus $LIVECPU
check_shape "$out"
tap $? "live check --json --cpus $LIVECPU has the shape"
[ "$(jq -r .isolated_origin "$out")" = cli ]
tap $? "--cpus is reported as the isolated set's origin"
! jq -e '.checks[] | select(.live)' "$out" >/dev/null
tap $? "no live check without --sample"

run check --json --cpus $LIVECPU --sample 1
check_shape "$out"
tap $? "live check --sample --json has the shape"
jq -e '[.checks[] | select(.live)] | length == 5
       and all(.status != "skip" and (.evidence.rates | keys) == [$cpu]
               and .evidence.seconds >= 1 and (.evidence.threshold | type) == "number")' \
	--arg cpu "$LIVECPU" "$out" >/dev/null
tap $? "--sample adds 5 live checks with a rate for each isolated CPU"

run check --json --sysroot "$FIXTURES/synth-irqbalance-partial"
check_shape "$out"
tap $? "fixture check --json has the shape"
jq -e '[.checks[].id] | unique | length == (. | length)' "$out" >/dev/null
tap $? "check ids are unique"

run interrupts --json
irq_shape "$out"
tap $? "live interrupts --json has the documented shape"
jq -e '.rows | any(.name == "LOC")' "$out" >/dev/null
tap $? "live interrupts --json holds the LOC row"
jq -e '[.rows[] | select(.name | test("^[0-9]+$"))] | length > 0' "$out" >/dev/null
tap $? "numbered IRQs are named by their number"

run interrupts --json --sysroot "$FIXTURES/synth-irqbalance-partial"
irq_shape "$out"
tap $? "fixture interrupts --json has the shape"
jq -e '.cpus == [0,1,2,3] and (.rows[] | select(.name == "TLB") | .description) == "TLB shootdowns"
       and (.rows[] | select(.name == "31") | .counts) == [0,0,0,99]
       and .global == [{"name":"ERR","value":0},{"name":"MIS","value":0}]' "$out" >/dev/null
tap $? "fixture interrupts --json carries the file's values"

run interrupts --sysroot "$FIXTURES/synth-irqbalance-partial"
grep -q "TLB shootdowns" "$out"
tap $? "interrupts prints a table"
run interrupts --sysroot /nonexistent-sysroot
tap $([ "$rc" = 3 ] && echo 0 || echo 1) "interrupts exits 3 without a readable sysroot"
tap_done
