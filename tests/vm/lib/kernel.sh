# shellcheck shell=bash
# kernel.sh - fetch Debian's own kernel into the cache (sourced by run).
#
# The kernel is the one linux-image-amd64 depends on, unpacked from its
# .deb with dpkg-deb; only vmlinuz and config-* are kept, in
# $CACHE/kernel/<package>/.  A cached kernel is reused as is, so the
# suite runs offline once it has run once.  Sets KERNEL, KCONFIG,
# KRELEASE, KPKG and KVERSION.
#
# Debian's bzImage is XZ-compressed, and under TCG the guest spends 5-15 s
# unpacking it.  So the same image is also decompressed once, here, to an
# ELF vmlinux, which qemu boots through its PVH entry (CONFIG_PVH=y):
# same kernel code, no in-guest decompression.  KERNEL is that vmlinux
# when it could be made, vmlinuz otherwise.

# The versioned image package behind the metapackage, e.g. linux-image-6.1.0-56-amd64.
kernel_package() {
	if [ -n "${TLBISO_VM_KERNEL_PKG:-}" ]; then
		echo "$TLBISO_VM_KERNEL_PKG"
		return
	fi
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ <>]*\)$/\1/p' | head -n1
}

# kernel_use DIR: set the globals from a cache entry; 1 if incomplete.
kernel_use() {
	local cfg
	[ -d "$1" ] || return 1
	cfg=$(find "$1" -maxdepth 1 -name 'config-*' | head -n1)
	[ -f "$1/vmlinuz" ] && [ -n "$cfg" ] || return 1
	# shellcheck disable=SC2034 # globals for tests/vm/run
	{
		KERNEL=$1/vmlinuz
		kernel_pvh "$1" && KERNEL=$1/vmlinux
		KCONFIG=$cfg
		KRELEASE=${cfg##*/config-}
		KPKG=$(basename "$1")
		KVERSION=$(cat "$1/version" 2>/dev/null)
	}
}

# kernel_pvh DIR: make DIR/vmlinux from DIR/vmlinuz if the kernel has a
# PVH entry; 1 if it cannot.  The XZ payload starts at its magic bytes.
kernel_pvh() {
	local dir=$1 off
	[ -s "$dir/vmlinux" ] && return 0
	grep -q '^CONFIG_PVH=y' "$dir"/config-* || return 1
	command -v xz >/dev/null || return 1
	off=$(grep -abo -m1 $'\xfd7zXZ\x00' "$dir/vmlinuz" | head -n1 | cut -d: -f1)
	[ -n "$off" ] || return 1
	# xz stops reading at the end of its stream: tail's SIGPIPE is fine.
	{ tail -c +$((off + 1)) "$dir/vmlinuz" || :; } |
		xz -dc --single-stream >"$dir/vmlinux.new" 2>/dev/null &&
		[ "$(head -c4 "$dir/vmlinux.new" | od -An -c | tr -d ' ')" = '177ELF' ] &&
		mv "$dir/vmlinux.new" "$dir/vmlinux" && return 0
	rm -f "$dir/vmlinux.new"
	return 1
}

# kernel_download PKG DIR: apt-get download + dpkg-deb -x, keep two files.
kernel_download() {
	local pkg=$1 dir=$2 tmp
	tmp=$(mktemp -d "$CACHE/kernel/.dl.XXXXXX") || return 1
	(
		cd "$tmp" &&
			{ apt-get download "$pkg" || { apt-get update -q &&
				apt-get download "$pkg"; }; } &&
			dpkg-deb -x ./*.deb root &&
			dpkg-deb -f ./*.deb Version >version &&
			mkdir -p "$dir.new" &&
			cp root/boot/vmlinuz-* "$dir.new/vmlinuz" &&
			cp root/boot/config-* version "$dir.new/"
	) >&2 2>&1
	local rc=$?
	rm -rf "$tmp"
	[ "$rc" -eq 0 ] && mv "$dir.new" "$dir"
}

# kernel_fetch: fill the cache if needed and set the globals.
kernel_fetch() {
	local pkg dir
	mkdir -p "$CACHE/kernel"
	pkg=$(kernel_package)
	if [ -z "$pkg" ]; then
		# No apt metadata: fall back on whatever kernel is cached.
		dir=$(find "$CACHE/kernel" -mindepth 1 -maxdepth 1 -type d \
			-name 'linux-image-*' | sort | tail -n1)
		[ -n "$dir" ] && kernel_use "$dir" && return 0
		return 1
	fi
	dir=$CACHE/kernel/$pkg
	kernel_use "$dir" && return 0
	rm -rf "$dir" "$dir.new"
	note "downloading $pkg"
	kernel_download "$pkg" "$dir" && kernel_use "$dir"
}
