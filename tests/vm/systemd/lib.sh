# shellcheck shell=bash
# lib.sh - host side of the systemd end-to-end test (sourced by run).
#
# TAP numbering, the kernel (the same cache layout as tests/vm: Debian's own
# kernel unpacked into $CACHE/kernel/<package>/), the Debian 12 rootfs made by
# mmdebstrap and cached as a tarball keyed by its package list, the image
# (rootfs + the .deb installed with dpkg + the test unit) packed as an
# initramfs, and the boot.

ST_N=0
ST_FAILED=0
st_ok() { ST_N=$((ST_N + 1)); echo "ok $ST_N - $*"; }
st_not_ok() { ST_N=$((ST_N + 1)); ST_FAILED=$((ST_FAILED + 1)); echo "not ok $ST_N - $*"; }
st_diag() { echo "# $*"; }
note() { echo "tests/vm/systemd/run: $*" >&2; }
st_check() { local d=$1; shift; if "$@"; then st_ok "$d"; else st_not_ok "$d"; fi; }

# st_finish: trailing plan; non-zero exit when a point failed.
st_finish() {
	echo "1..$ST_N"
	[ "$ST_FAILED" -eq 0 ]
	exit $?
}

# st_skip_all REASON: nothing can run; under CI=true that is a failure.
st_skip_all() {
	if [ "${CI:-}" = true ]; then
		st_not_ok "systemd VM suite can run (CI=true): $*"
		st_finish
	fi
	echo "1..0 # SKIP $*"
	exit 0
}

# st_guest_line LINE: number one "TAP ok - ..." / "TAP not ok - ..." line.
st_guest_line() {
	case $1 in
	"not ok - "*)
		ST_N=$((ST_N + 1))
		echo "not ok $ST_N - ${1#not ok - }"
		case $1 in *"# TODO"*) ;; *) ST_FAILED=$((ST_FAILED + 1)) ;; esac
		;;
	"ok - "*) ST_N=$((ST_N + 1)); echo "ok $ST_N - ${1#ok - }" ;;
	esac
}

# ---------------------------------------------------------------- host tools
st_deps_missing() {
	command -v qemu-system-x86_64 >/dev/null || echo qemu-system-x86
	command -v mmdebstrap >/dev/null || echo mmdebstrap
	command -v cpio >/dev/null || echo cpio
	command -v cc >/dev/null || echo gcc
	[ -e /usr/include/linux/bpf.h ] || echo linux-libc-dev
	[ -e /usr/lib/x86_64-linux-gnu/libc.a ] || echo libc6-dev
	command -v dpkg-buildpackage >/dev/null || echo dpkg-dev
	command -v dh >/dev/null || echo debhelper
}

st_deps_ensure() {
	local missing
	missing=$(st_deps_missing | sort -u | tr '\n' ' ')
	[ -n "$missing" ] || return 0
	[ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null ||
		st_skip_all "missing packages ($missing) and not root to install them"
	note "installing $missing"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2 ||
		{ apt-get update -q >&2 &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
				--no-install-recommends $missing >&2; }
	missing=$(st_deps_missing | tr '\n' ' ')
	[ -z "$missing" ] || st_skip_all "cannot install $missing"
}

# ---------------------------------------------------------------- kernel
# The package behind linux-image-amd64, e.g. linux-image-6.1.0-41-amd64.
st_kernel_package() {
	[ -n "${TLBISO_VM_KERNEL_PKG:-}" ] && { echo "$TLBISO_VM_KERNEL_PKG"; return; }
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ <>]*\)$/\1/p' | head -n1
}

# st_kernel_fetch: set KERNEL and KRELEASE, downloading into the cache once.
st_kernel_fetch() {
	local pkg dir tmp
	mkdir -p "$CACHE/kernel"
	pkg=$(st_kernel_package)
	if [ -n "$pkg" ]; then
		dir=$CACHE/kernel/$pkg
	else
		dir=$(find "$CACHE/kernel" -mindepth 1 -maxdepth 1 -type d -name 'linux-image-*' |
			sort | tail -n1)
	fi
	[ -n "$dir" ] || return 1
	if [ ! -f "$dir/vmlinuz" ] && [ -n "$pkg" ]; then
		note "downloading $pkg"
		tmp=$(mktemp -d "$CACHE/kernel/.dl.XXXXXX") || return 1
		(cd "$tmp" && { apt-get download "$pkg" ||
			{ apt-get update -q && apt-get download "$pkg"; }; } &&
			dpkg-deb -x ./*.deb root && dpkg-deb -f ./*.deb Version >version &&
			mkdir -p "$dir.new" && cp root/boot/vmlinuz-* "$dir.new/vmlinuz" &&
			cp root/boot/config-* version "$dir.new/") >&2 2>&1 &&
			rm -rf "$dir" && mv "$dir.new" "$dir"
		rm -rf "$tmp" "$dir.new"
	fi
	[ -f "$dir/vmlinuz" ] || return 1
	KERNEL=$dir/vmlinuz
	KRELEASE=$(find "$dir" -maxdepth 1 -name 'config-*' | head -n1)
	KRELEASE=${KRELEASE##*/config-}
}

# ---------------------------------------------------------------- the .deb
# st_deb_build: build the .deb from this tree's dist tarball unless given.
st_deb_build() {
	[ -n "$DEB" ] && return 0
	"$TOP/packaging/build-deb.sh" --builddir "$BUILDDIR" --outdir "$WORK/deb" \
		--no-lintian --nocheck >"$WORK/build-deb.out" 2>&1 ||
		{ tail -n 30 "$WORK/build-deb.out" | sed 's/^/#   /'; return 1; }
	DEB=$(ls "$WORK"/deb/tlbiso_*.deb 2>/dev/null | head -n1)
	[ -f "$DEB" ]
}

# The runtime dependencies of the .deb, as bare package names (first of
# each alternative), so that dpkg -i in the image needs no network.
st_deb_depends() {
	dpkg-deb -f "$DEB" Depends | tr ',' '\n' | sed -e 's/|.*//' \
		-e 's/(.*)//' -e 's/^[A-Za-z-]*: *//' -e 's/ //g' | grep -v '^$' | sort -u
}

# ---------------------------------------------------------------- rootfs
# Packages of the image: systemd as init, udev, procps, jq for the JSON
# (util-linux's nsenter is essential, so there), and the libraries tlbiso
# links or will link, so that a new dependency of the .deb rarely changes the
# cache key. The .deb's Depends are added to these.
# A caller adds its own in ST_EXTRA_PKGS (another list, so another cached tarball).
ST_BASE_PKGS="systemd-sysv udev procps jq libc6 libsystemd0 libconfig9 libjson-c5 libnuma1
libcap2 zlib1g libtracefs1 libtraceevent1"
# Documentation is never read in the VM; leaving it out shrinks the image.
ST_MMDEBSTRAP_OPTS=(--variant=minbase
	'--aptopt=Acquire::Check-Valid-Until "false"'
	'--dpkgopt=path-exclude=/usr/share/doc/*'
	'--dpkgopt=path-include=/usr/share/doc/*/copyright'
	'--dpkgopt=path-exclude=/usr/share/man/*'
	'--dpkgopt=path-exclude=/usr/share/locale/*'
	'--dpkgopt=path-exclude=/usr/share/info/*')

# st_rootfs: set ROOTFS_TAR to the cached tarball for this package list,
# building it with mmdebstrap when the list changed (the key is a hash of
# the suite, the list and the options). mmdebstrap's default mirror, or
# TLBISO_VM_MIRROR (a URI or a sources file).
st_rootfs() {
	local pkgs key
	# shellcheck disable=SC2046,SC2086
	pkgs=$(printf '%s\n' $ST_BASE_PKGS ${ST_EXTRA_PKGS:-} $(st_deb_depends) | sort -u | tr '\n' ',')
	pkgs=${pkgs%,}
	key=$(printf '%s\n' "$TLBISO_VM_SUITE" "$pkgs" "${ST_MMDEBSTRAP_OPTS[@]}" \
		"${TLBISO_VM_MIRROR:-}" | sha256sum | cut -c1-16)
	ROOTFS_TAR=$CACHE/rootfs/$TLBISO_VM_SUITE-$key.tar
	st_diag "rootfs packages: $pkgs"
	[ -s "$ROOTFS_TAR" ] && { st_diag "rootfs from cache: ${ROOTFS_TAR##*/}"; return 0; }
	mkdir -p "$CACHE/rootfs"
	note "mmdebstrap $TLBISO_VM_SUITE (minutes; cached in $CACHE/rootfs afterwards)"
	# shellcheck disable=SC2086
	mmdebstrap "${ST_MMDEBSTRAP_OPTS[@]}" --format=tar --include="$pkgs" "$TLBISO_VM_SUITE" \
		"$CACHE/rootfs/.new-$key.tar" ${TLBISO_VM_MIRROR:-} </dev/null \
		>"$WORK/mmdebstrap.log" 2>&1 ||
		{ tail -n 20 "$WORK/mmdebstrap.log" | sed 's/^/#   /'
		  rm -f "$CACHE/rootfs/.new-$key.tar"; return 1; }
	mv "$CACHE/rootfs/.new-$key.tar" "$ROOTFS_TAR"
	# Keep only the newest two rootfs tarballs.
	ls -t "$CACHE"/rootfs/*.tar 2>/dev/null | tail -n +3 | xargs -r rm -f
}

# ---------------------------------------------------------------- image
# st_gens_build DIR: the IPI generators of tests/vm/gen, static.
st_gens_build() {
	local out=$1 src g
	mkdir -p "$out"
	for src in "$TOP"/tests/vm/gen/gen-*.c; do
		[ -f "$src" ] || continue
		g=$(basename "$src" .c)
		cc -static -O2 -Wall -Wextra -pthread -o "$out/$g" "$src" || return 1
	done
}

# st_image_build OUT: rootfs + .deb + generators + the test unit -> initramfs.
st_image_build() {
	local out=$1 root=$WORK/root
	rm -rf "$root" && mkdir -p "$root"
	tar -xf "$ROOTFS_TAR" -C "$root" || return 1
	cp "$DEB" "$root/tmp/tlbiso.deb"
	# Installed at image build time, as "apt install ./tlbiso.deb" would:
	# postinst enables tlbiso.service (deb-systemd-helper works offline).
	chroot "$root" dpkg -i /tmp/tlbiso.deb >"$WORK/dpkg-i.log" 2>&1 ||
		{ sed 's/^/#   /' "$WORK/dpkg-i.log"; return 1; }
	rm -f "$root/tmp/tlbiso.deb"
	# Test files carry no "tlbiso" in their names, so that the purge check
	# can look for that name alone.
	mkdir -p "$root/usr/local/libexec/vm-e2e"
	st_gens_build "$root/usr/local/libexec/vm-e2e" || return 1
	# A caller may run another guest script under the same unit (ST_GUEST_MAIN).
	install -m 0755 "$HERE/guest/${ST_GUEST_MAIN:-scenario.sh}" \
		"$root/usr/local/libexec/vm-e2e/scenario.sh"
	# The journal MESSAGE_IDs that tlbisod(8) documents, for the alert check.
	grep -oE '^[0-9a-f]{32}$' "$TOP/man/tlbisod.8" >"$root/usr/local/libexec/vm-e2e/message-ids"
	install -m 0644 "$HERE/guest/scenario.service" "$root/etc/systemd/system/"
	mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
	ln -sf ../scenario.service "$root/etc/systemd/system/multi-user.target.wants/"
	# The installed unit's sandbox around a sleep, so the scenario can look
	# at it from inside whether or not the daemon runs.
	sed -e 's|^ExecStart=.*|ExecStart=/bin/sleep 600|' -e 's|^Type=notify|Type=simple|' \
		-e '/^WatchdogSec=/d' -e '/^ExecReload=/d' -e '/^\[Install\]/,$d' \
		"$root/lib/systemd/system/tlbiso.service" >"$root/etc/systemd/system/sandbox-probe.service"
	echo e2e >"$root/etc/hostname"
	# No login prompt on the console, and none of the boot work that a
	# throw-away VM does not need (each costs seconds under emulation; the
	# udev coldplug alone keeps every vCPU busy for a minute, and nothing
	# here waits for a device: devtmpfs has the serial ports).
	for u in serial-getty@ttyS0.service getty@tty1.service systemd-random-seed.service \
		systemd-update-utmp.service systemd-journal-flush.service apt-daily.timer \
		apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer man-db.timer \
		systemd-tmpfiles-clean.timer systemd-udev-trigger.service; do
		ln -sf /dev/null "$root/etc/systemd/system/$u"
	done
	# A caller's own additions to the tree (modules, units), before packing.
	if declare -F st_image_extra >/dev/null; then st_image_extra "$root" || return 1; fi
	# Uncompressed: under emulation the kernel inflates a 60 MiB gzip far
	# slower than qemu copies 180 MiB.
	(cd "$root" && find . -xdev | cpio -o -H newc --quiet) >"$out"
}

# ---------------------------------------------------------------- boot
ST_CMDLINE="console=ttyS0 rdinit=/lib/systemd/systemd panic=-1 nohz_full=2-3 isolcpus=nohz,domain,managed_irq,2-3 rcu_nocbs=2-3 systemd.show_status=false quiet"

st_parse_line() {
	local line=${1%$'\r'}
	case $line in
	"TAP ok - "* | "TAP not ok - "*) st_guest_line "${line#TAP }" ;;
	"TAP #"*) echo "${line#TAP }" ;;
	"UP "*) st_diag "guest reached multi-user $(($(date +%s) - BOOT_T0)) s after qemu start (${line#UP })" ;;
	"DONE"*) GUEST_DONE=1 ;;
	esac
}

# st_boot INITRD: boot, stream the guest's TAP from ttyS1, fail on timeout.
st_boot() {
	local qpid rc
	: >"$WORK/channel.log"
	GUEST_DONE=0
	BOOT_T0=$(date +%s)
	timeout -k 10 "$TIMEOUT" qemu-system-x86_64 \
		-M q35 -cpu max -smp 4 -m 2048 -nographic -no-reboot \
		-monitor none -serial stdio -serial "file:$WORK/channel.log" \
		-kernel "$KERNEL" -initrd "$1" -append "$ST_CMDLINE ${TLBISO_VM_APPEND:-}" \
		${ST_QEMU_EXTRA[@]+"${ST_QEMU_EXTRA[@]}"} \
		</dev/null >"$WORK/console.log" 2>"$WORK/qemu.err" &
	qpid=$!
	while IFS= read -r line; do
		st_parse_line "$line"
	done < <(tail -n +1 -f --pid="$qpid" "$WORK/channel.log")
	wait "$qpid"
	rc=$?
	st_diag "qemu ran $(($(date +%s) - BOOT_T0)) s, exit status $rc"
	mkdir -p "$ARTDIR" && cp "$WORK/console.log" "$ARTDIR/console.log" 2>/dev/null
	if [ "$GUEST_DONE" -eq 1 ]; then
		st_ok "guest ran the scenario and powered off"
		return 0
	fi
	[ "$rc" -eq 124 ] && st_diag "timed out after $TIMEOUT s (TLBISO_VM_TIMEOUT)"
	st_not_ok "guest ran the scenario and powered off"
	tail -n 40 "$WORK/console.log" "$WORK/qemu.err" | sed 's/^/#   /'
	return 1
}
