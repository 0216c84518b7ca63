#!/bin/sh
# The generated rpm spec: the systemd scriptlets name the units even where
# Fedora's macros are missing (the fallbacks), the conffile is noreplace, and
# the version is the tarball's.
set -u
builddir=${top_builddir:-.}
spec=$builddir/packaging/rpm/tlbiso.spec
command -v rpmspec >/dev/null 2>&1 || { echo "1..0 # SKIP rpmspec not installed (Debian package rpm)"; exit 0; }

n=0
fail=0
check() {
	d=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $d"; else fail=1; echo "not ok $n - $d"; fi
}

out=$(mktemp) || exit 99
trap 'rm -f "$out"' EXIT
check "rpmspec parses tlbiso.spec" sh -c "rpmspec -P '$spec' >'$out' 2>/dev/null"
check "%post enables through preset both units" \
	sh -c "sed -n '/^%post\$/,/^%/p' '$out' | grep -q 'preset.*tlbiso.service tlbiso-check.service'"
check "%preun disables both units on erase" \
	sh -c "sed -n '/^%preun\$/,/^%/p' '$out' | grep -q 'disable --now.*tlbiso.service tlbiso-check.service'"
check "%postun restarts tlbiso.service on upgrade" \
	sh -c "sed -n '/^%postun\$/,/^%/p' '$out' | grep -q 'try-restart.*tlbiso.service'"
check "the conffile is %config(noreplace)" \
	grep -q '^%config(noreplace) .*/tlbiso/tlbiso.conf$' "$out"
version=$(sed -n 's/^PACKAGE_VERSION = //p' "$builddir/Makefile")
check "Version is the package version ($version)" grep -q "^Version: *$version\$" "$out"
for s in configure make_build make_install; do
	check "%build/%install use %$s" grep -q "%$s" "$spec"
done
check "%check runs make check" sh -c "sed -n '/^%check\$/,/^%/p' '$spec' | grep -q 'check'"

echo "1..$n"
exit $fail
