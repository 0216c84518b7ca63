#!/bin/bash
# packaging/build-deb.sh - build the tlbiso .deb from the dist tarball.
#
# Usage: packaging/build-deb.sh [--builddir DIR] [--outdir DIR] [--no-lintian] [--nocheck] [TARBALL]
#
# Without TARBALL, runs "make dist" in the build directory (default _build,
# configured if needed). The tarball is unpacked in a scratch directory,
# packaging/debian is copied to debian/, and dpkg-buildpackage -us -uc -b runs
# there, so the package is built exactly from what "make dist" ships. The .deb
# and .changes land in OUTDIR (default BUILDDIR/packaging). lintian runs last
# and fails the script on an error; warnings are printed. --nocheck skips the
# package's own "make check" (DEB_BUILD_OPTIONS=nocheck), for callers that
# have just run it.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/_build
outdir=
lintian=1
nocheck=0
tarball=
while [ $# -gt 0 ]; do
	case $1 in
	--builddir) builddir=$2; shift 2 ;;
	--outdir) outdir=$2; shift 2 ;;
	--no-lintian) lintian=0; shift ;;
	--nocheck) nocheck=1; shift ;;
	-h | --help) sed -n '2,15s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) echo "$0: unknown option $1 (try --help)" >&2; exit 2 ;;
	*) tarball=$1; shift ;;
	esac
done
outdir=${outdir:-$builddir/packaging}
log() { printf '==> %s\n' "$*" >&2; }

# Debian tools the build needs, installed when missing and root.
need=(dpkg-dev debhelper fakeroot)
[ "$lintian" = 1 ] && need+=(lintian)
missing=()
for p in "${need[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || { echo "$0: missing ${missing[*]}; install them" >&2; exit 3; }
	log "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if [ -z "$tarball" ]; then
	if [ ! -f "$builddir/Makefile" ]; then
		[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi)
		mkdir -p "$builddir"
		(cd "$builddir" && "$top/configure" -q)
	fi
	log "make dist"
	make -C "$builddir" -s dist >/dev/null
	tarball=$(ls -t "$builddir"/tlbiso-*.tar.gz | head -n1)
fi
tarball=$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")

work=$(mktemp -d "${TMPDIR:-/tmp}/tlbiso-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
tar -xzf "$tarball" -C "$work"
src=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'tlbiso-*' | head -n1)
cp -a "$src/packaging/debian" "$src/debian"

# The changelog's version must be the tarball's: one source of truth.
ver=${src##*/tlbiso-}
clver=$(cd "$src" && dpkg-parsechangelog -S Version)
[ "$clver" = "$ver" ] || [ "${clver%-*}" = "$ver" ] ||
	{ echo "$0: debian/changelog says $clver, the tarball is $ver" >&2; exit 1; }

log "dpkg-buildpackage -us -uc -b in $src"
profile=()
[ "$nocheck" = 1 ] && export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-} nocheck" && profile=(-Pnocheck)
(cd "$src" && dpkg-buildpackage -us -uc -b -J"$(nproc)" "${profile[@]}") >"$work/build.log" 2>&1 ||
	{ tail -n 60 "$work/build.log" >&2; echo "$0: dpkg-buildpackage failed" >&2; exit 1; }
mkdir -p "$outdir"
cp "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$outdir"/
cp "$work/build.log" "$outdir/build-deb.log"
changes=$(ls "$outdir"/tlbiso_"$ver"*_*.changes | head -n1)
log "built: $(cd "$outdir" && ls tlbiso_"$ver"*.deb)"

if [ "$lintian" = 1 ]; then
	log "lintian"
	# lintian exits non-zero on errors only (with --fail-on error).
	lintian --fail-on error --info --display-info "$changes" | tee "$outdir/lintian.txt"
fi
