# shellcheck shell=bash
# snapshot-compare.sh - the host half of the "snapshot" scenario
# (sourced by tests/vm/run).
#
# The guest exported its snapshot (snapshot/snap.tar.gz) and its live
# "check --json" (snapshot/check.json).  Running the host's tlbisoctl on
# the unpacked snapshot with --sysroot must reproduce the status of every
# check that does not need the live system ("live": false or absent).

snapshot_compare() {
	local dir=$ARTDIR/snapshot ctl=$BUILDDIR/cli/tlbisoctl diff l
	if [ ! -x "$ctl" ]; then
		tap_ok "snapshot: host check --sysroot # SKIP $ctl not built"
		return
	fi
	if [ ! -f "$dir/snap.tar.gz" ] || [ ! -f "$dir/check.json" ]; then
		tap_not_ok "snapshot: guest exported snap.tar.gz and check.json"
		return
	fi
	rm -rf "$dir/unpacked"
	if ! mkdir -p "$dir/unpacked" ||
		! tar -xzf "$dir/snap.tar.gz" -C "$dir/unpacked"; then
		tap_not_ok "snapshot: tarball unpacks"
		return
	fi
	"$ctl" check --sysroot "$dir/unpacked/snap" --json >"$dir/host-check.json"
	tap_diag "snapshot: host check --sysroot exited with $?"
	if ! jq -e '.checks | length > 0' "$dir/host-check.json" >/dev/null 2>&1; then
		tap_not_ok "snapshot: host check --sysroot gives JSON with checks"
		return
	fi
	# id -> status for the non-live checks of one report.
	local q='[.checks[] | select((.live // false) == false) | {(.id): .status}] | add // {}'
	diff=$(jq -n --slurpfile g "$dir/check.json" \
		--slurpfile h "$dir/host-check.json" "
		(\$g[0] | $q) as \$gs | (\$h[0] | $q) as \$hs |
		[\$gs | keys[] | select(\$gs[.] != \$hs[.]) |
		 \"\(.): guest \(\$gs[.]) host \(\$hs[.] // \"missing\")\"] | .[]" -r)
	local n
	n=$(jq '[.checks[] | select((.live // false) == false)] | length' "$dir/check.json")
	tap_diag "snapshot: $n non-live checks compared"
	if [ -z "$diff" ] && [ "$n" -gt 0 ]; then
		tap_ok "snapshot: check --sysroot on the host matches the guest for all $n non-live checks"
	else
		tap_not_ok "snapshot: check --sysroot on the host matches the guest for all non-live checks"
		while IFS= read -r l; do echo "#   $l"; done <<<"${diff:-no non-live checks}"
	fi
}
