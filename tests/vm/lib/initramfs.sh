# shellcheck shell=bash
# initramfs.sh - build the generators and the guest's initramfs
# (sourced by tests/vm/run).
#
# The initramfs is the whole guest: busybox, jq, the tlbiso programs when
# they are built, every shared library they load (found with ldd), the
# static generators, the kernel's config and the guest scripts.

# gens_build OUTDIR: compile each tests/vm/gen/*.c that changed.
gens_build() {
	local out=$1 src bin
	mkdir -p "$out"
	for src in "$HERE"/gen/*.c; do
		bin=$out/$(basename "$src" .c)
		[ "$bin" -nt "$src" ] && continue
		cc -O2 -static -Wall -Wextra -pthread -o "$bin" "$src" >&2 ||
			return 1
	done
}

# copy_prog BIN ROOT DEST: install BIN as ROOT/DEST with the libs it loads.
# Scripts are copied as they are (their interpreter must be busybox's);
# a libtool wrapper script would not run in the guest, so it is refused.
copy_prog() {
	local bin=$1 root=$2 dest=$3 lib
	if [ "$(head -c2 "$bin")" = '#!' ]; then
		if grep -q 'libtool' "$bin"; then
			note "$bin is a libtool wrapper, not a program"
			return 1
		fi
		install -D -m 0755 "$bin" "$root/$dest"
		return 0
	fi
	install -D -m 0755 "$bin" "$root/$dest" || return 1
	copy_deps "$bin" "$root"
}

# copy_deps BIN ROOT: the shared libraries BIN loads, at the same paths.
copy_deps() {
	local bin=$1 root=$2 lib
	if ldd "$bin" 2>/dev/null | grep -q 'not found'; then
		note "$bin needs libraries that are not installed"
		return 1
	fi
	# "libx.so => /path (0x...)" and the loader's "/lib64/ld-... (0x...)";
	# a static program has neither.
	ldd "$bin" 2>/dev/null |
		sed -n -e 's/.*=> \(\/[^ ]*\) .*/\1/p' \
			-e 's/^[[:space:]]*\(\/[^ ]*\) .*/\1/p' |
		while read -r lib; do
			[ -e "$root$lib" ] && continue
			mkdir -p "$root$(dirname "$lib")" &&
				cp -L "$lib" "$root$lib" || exit 1
		done
}

# copy_dlopened ROOT: the libraries tlbiso dlopen()s, which ldd cannot see
# (libtracefs and libtraceevent, named in lib/tracefs-dl.h), with theirs.
copy_dlopened() {
	local root=$1 soname path
	for soname in $(sed -n 's/^#define TL_TRACE[A-Z]*_SONAME *"\(.*\)"/\1/p' \
		"$TOP/lib/tracefs-dl.h"); do
		path=$(ldconfig -p | awk -v n="$soname" '$1 == n { print $NF; exit }')
		if [ -z "$path" ]; then
			note "$soname is not installed: tlbisoctl trace cannot run in the guest"
			continue
		fi
		mkdir -p "$root$(dirname "$path")" && cp -L "$path" "$root$path" &&
			copy_deps "$path" "$root" || return 1
	done
}

# busybox_install ROOT: busybox and /bin/sh; /init creates the other
# applet links itself (busybox --install), which is instant there and
# saves hundreds of forks here.
busybox_install() {
	mkdir -p "$1/bin" "$1/sbin" "$1/usr/bin" "$1/usr/sbin"
	install -m 0755 /bin/busybox "$1/bin/busybox"
	ln -s busybox "$1/bin/sh"
}

# initramfs_build OUT GENDIR: write the gzip'ed newc cpio to OUT.
initramfs_build() {
	local out=$1 gens=$2 root g
	root=$(mktemp -d "$WORK/root.XXXXXX") || return 1
	mkdir -p "$root"/{proc,sys,dev,run,tmp,etc,boot,root,var/lib}
	busybox_install "$root"
	copy_prog "$(command -v jq)" "$root" usr/bin/jq || return 1
	TLBISO_IN_GUEST=
	if [ -f "$BUILDDIR/cli/tlbisoctl" ]; then
		copy_prog "$BUILDDIR/cli/tlbisoctl" "$root" usr/bin/tlbisoctl &&
			copy_dlopened "$root" || return 1
		TLBISO_IN_GUEST="$TLBISO_IN_GUEST tlbisoctl"
	fi
	if [ -f "$BUILDDIR/daemon/tlbisod" ]; then
		copy_prog "$BUILDDIR/daemon/tlbisod" "$root" usr/sbin/tlbisod ||
			return 1
		TLBISO_IN_GUEST="$TLBISO_IN_GUEST tlbisod"
	fi
	for g in "$gens"/gen-*; do
		install -m 0755 "$g" "$root/usr/bin/"
	done
	# Kernel-config readers look for /boot/config-$(uname -r).
	cp "$KCONFIG" "$root/boot/"
	install -m 0755 "$HERE/guest/init" "$root/init"
	install -m 0755 "$HERE/guest/irq-count" "$root/usr/bin/irq-count"
	mkdir -p "$root/usr/lib/tlbiso-vm"
	cp -r "$HERE"/guest/*.sh "$HERE/guest/scenarios" "$root/usr/lib/tlbiso-vm/"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
	echo 'root:x:0:' >"$root/etc/group"
	(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$out"
	local rc=$?
	rm -rf "$root"
	return $rc
}
