#!/bin/sh
# The generated systemd units: systemd-analyze verify passes, the service keeps
# the properties tlbisod relies on, every directive carries a comment, and the
# exposure score stays at or under 3.0 (README records it).
set -u
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
command -v systemd-analyze >/dev/null 2>&1 || { echo "1..0 # SKIP systemd-analyze not installed"; exit 0; }

n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); fail=1; echo "not ok $n - $*"; }
check() { d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

svc=$builddir/systemd/tlbiso.service
chk=$builddir/systemd/tlbiso-check.service

# verify checks that ExecStart= exists; before "make install" point it at the
# built programs (same file otherwise).
for u in "$svc" "$chk"; do
	sed -e "s|^ExecStart=[^ ]*/tlbisod|ExecStart=$(cd "$builddir" && pwd)/daemon/tlbisod|" \
		-e "s|^ExecStart=[^ ]*/tlbisoctl|ExecStart=$(cd "$builddir" && pwd)/cli/tlbisoctl|" \
		"$u" >"$tmp/${u##*/}"
done

no_placeholder() { ! grep -n '@[a-z]*@' "$1"; }
check "tlbiso.service has no @placeholder@ left" no_placeholder "$svc"
check "tlbiso-check.service has no @placeholder@ left" no_placeholder "$chk"

# systemd-analyze runs man(1) on Documentation=; let it find ours (man(1)
# wants section subdirectories).
mkdir -p "$tmp/man/man5" "$tmp/man/man8"
for p in "$srcdir"/man/*.[58]; do cp "$p" "$tmp/man/man${p##*.}/"; done
verify() { MANPATH=$tmp/man: systemd-analyze verify "$1" >"$tmp/verify.out" 2>&1 &&
	! grep . "$tmp/verify.out" || { sed 's/^/# /' "$tmp/verify.out"; false; }; }
check "systemd-analyze verify tlbiso.service is clean" verify "$tmp/tlbiso.service"
check "systemd-analyze verify tlbiso-check.service is clean" verify "$tmp/tlbiso-check.service"

has() { grep -qx "$2" "$1" || { echo "# missing: $2"; false; }; }
for line in 'Type=notify' 'WatchdogSec=30s' 'Restart=on-failure' 'ExecReload=/bin/kill -HUP $MAINPID' \
	'RuntimeDirectory=tlbiso' 'StateDirectory=tlbiso' 'RuntimeDirectoryPreserve=yes' \
	'ProtectSystem=strict' 'NoNewPrivileges=yes' 'CapabilityBoundingSet=CAP_SYS_NICE' \
	'RestrictAddressFamilies=AF_UNIX AF_NETLINK' 'SystemCallFilter=@system-service' \
	'ReadWritePaths=/proc/irq'; do
	check "tlbiso.service: $line" has "$svc" "$line"
done
check "tlbiso.service: ExecStart runs tlbisod --foreground" \
	grep -q '^ExecStart=/.*/tlbisod --foreground$' "$svc"
check "tlbiso-check.service is a oneshot running tlbisoctl check" \
	sh -c "grep -qx 'Type=oneshot' '$chk' && grep -q '^ExecStart=/.*/tlbisoctl check$' '$chk'"
# RestrictRealtime=yes would stop the daemon from giving workloads SCHED_FIFO.
check "tlbiso.service does not set RestrictRealtime" sh -c "! grep -q '^RestrictRealtime=' '$svc'"

# Every directive of [Service] has a comment above it, or follows one of its
# own kind (a commented group such as ReadWritePaths=).
uncommented() {
	sed -n '/^\[Service\]/,$p' "$1" | awk '
		prev !~ /^#/ && /^[A-Z][A-Za-z]*=/ {
			split(prev, a, "="); split($0, b, "=")
			if (a[1] != b[1]) { print "# uncommented: " $0; bad = 1 }
		}
		{ prev = $0 }
		END { exit bad }'
}
check "every directive of tlbiso.service is commented" uncommented "$svc"

score() {
	s=$(systemd-analyze security --offline=yes "$tmp/tlbiso.service" 2>/dev/null |
		sed -n 's/.*Overall exposure level for tlbiso.service: \([0-9.]*\).*/\1/p')
	echo "# exposure score: ${s:-unknown}"
	[ -n "$s" ] && awk -v s="$s" 'BEGIN { exit !(s <= 3.0) }'
}
if systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
	check "systemd-analyze security exposure of tlbiso.service <= 3.0" score
else
	n=$((n + 1)); echo "ok $n # SKIP systemd-analyze security has no --offline"
fi

echo "1..$n"
exit $fail
