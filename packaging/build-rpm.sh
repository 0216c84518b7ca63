#!/bin/bash
# packaging/build-rpm.sh - build the tlbiso source and binary rpms.
#
# Usage: packaging/build-rpm.sh [--builddir DIR] [--outdir DIR] [TARBALL]
#
# Without TARBALL, runs "make dist" in the build directory (default _build).
# Runs "rpmbuild -ba" on the spec shipped in the tarball
# (packaging/rpm/tlbiso.spec, made by configure), in a private _topdir.
# On a Debian host the build dependencies are Debian packages that rpm does
# not know, so --nodeps is passed there; on an rpm system they are checked.
# rpmlint runs afterwards when it is installed.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/_build
outdir=
tarball=
while [ $# -gt 0 ]; do
	case $1 in
	--builddir) builddir=$2; shift 2 ;;
	--outdir) outdir=$2; shift 2 ;;
	-h | --help) sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) echo "$0: unknown option $1 (try --help)" >&2; exit 2 ;;
	*) tarball=$1; shift ;;
	esac
done
outdir=${outdir:-$builddir/packaging}
log() { printf '==> %s\n' "$*" >&2; }

if ! command -v rpmbuild >/dev/null; then
	[ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null ||
		{ echo "$0: rpmbuild not found; install rpm" >&2; exit 3; }
	log "installing rpm"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rpm >&2
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

work=$(mktemp -d "${TMPDIR:-/tmp}/tlbiso-rpm.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{BUILD,RPMS,SOURCES,SPECS,SRPMS}
cp "$tarball" "$work/SOURCES/"
name=$(basename "$tarball" .tar.gz)
tar -xzf "$tarball" -C "$work" "$name/packaging/rpm/tlbiso.spec"
cp "$work/$name/packaging/rpm/tlbiso.spec" "$work/SPECS/"

nodeps=()
# dpkg-based host: rpm's database is empty, the real dependencies are debs.
[ -d /var/lib/dpkg ] && ! rpm -q glibc >/dev/null 2>&1 && nodeps=(--nodeps)

log "rpmbuild -ba ${nodeps[*]}"
rpmbuild -ba "${nodeps[@]}" --define "_topdir $work" "$work/SPECS/tlbiso.spec" \
	>"$work/build.log" 2>&1 ||
	{ tail -n 60 "$work/build.log" >&2; echo "$0: rpmbuild failed" >&2; exit 1; }
mkdir -p "$outdir"
find "$work/RPMS" "$work/SRPMS" -name '*.rpm' -exec cp {} "$outdir"/ \;
cp "$work/build.log" "$outdir/build-rpm.log"
log "built: $(cd "$outdir" && ls ./*.rpm | tr '\n' ' ')"

if command -v rpmlint >/dev/null; then
	log "rpmlint"
	rpmlint "$work/SPECS/tlbiso.spec" "$outdir"/tlbiso-*.rpm | tee "$outdir/rpmlint.txt" || true
fi
