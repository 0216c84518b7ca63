# shellcheck shell=bash
# deps.sh - make sure the host tools exist (sourced by tests/vm/run).
#
# Installs the Debian packages when running as root; otherwise, or when
# apt-get fails, the suite is skipped (a failure under CI=true).

# Print the packages whose tools are missing, one per line.
deps_missing() {
	command -v qemu-system-x86_64 >/dev/null || echo qemu-system-x86
	[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 ||
		echo busybox-static
	command -v cpio >/dev/null || echo cpio
	command -v jq >/dev/null || echo jq
	command -v cc >/dev/null || echo gcc
	[ -e /usr/include/linux/bpf.h ] || echo linux-libc-dev
	[ -e /usr/lib/x86_64-linux-gnu/libc.a ] || echo libc6-dev
}

# deps_ensure: install what is missing, or skip the whole suite.
deps_ensure() {
	local missing
	missing=$(deps_missing | sort -u | tr '\n' ' ')
	missing=${missing% }
	[ -n "$missing" ] || return 0
	if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
		tap_skip_all "missing packages ($missing) and not root to install them"
	fi
	note "installing $missing"
	# shellcheck disable=SC2086 # word splitting wanted
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $missing >&2 ||
		{ apt-get update -q >&2 &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
				--no-install-recommends $missing >&2; }
	missing=$(deps_missing | tr '\n' ' ')
	[ -z "$missing" ] || tap_skip_all "cannot install ${missing% }"
}
