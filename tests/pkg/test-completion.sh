#!/bin/bash
# Bash completion of tlbisoctl: every verb is offered, verb options and option
# values complete, and every long option a built verb's --help prints is offered.
# No "set -u": bash-completion itself reads unset variables.
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
bc=/usr/share/bash-completion/bash_completion
[ -r "$bc" ] || { echo "1..0 # SKIP bash-completion not installed"; exit 0; }
# shellcheck disable=SC1090
. "$bc"
# shellcheck disable=SC1091
. "$srcdir/completion/tlbisoctl"

n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); fail=1; echo "not ok $n - $*"; }

# complete_line "tlbisoctl check --" -> the candidates, one per line.
complete_line() {
	COMP_LINE=$1
	COMP_POINT=${#COMP_LINE}
	read -r -a COMP_WORDS <<<"$COMP_LINE"
	[[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_tlbisoctl tlbisoctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}"
}

# offers LINE WORD...: every WORD is among the candidates for LINE.
offers() {
	local line=$1 got w
	shift
	got=$(complete_line "$line")
	for w in "$@"; do
		grep -qx -- "$w" <<<"$got" || { echo "# '$line' does not offer $w"; return 1; }
	done
}

check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }

verbs="check interrupts snapshot status reload restore plan bootargs run trace top latency"
# shellcheck disable=SC2086
check "the verbs complete after tlbisoctl" offers "tlbisoctl " $verbs
check "a verb prefix completes to that verb only" \
	bash -c '[ "$1" = restore ]' _ "$(complete_line "tlbisoctl rest")"
check "check options complete" offers "tlbisoctl check --" --json --sample --cpus --sysroot
check "--bootloader values complete" offers "tlbisoctl bootargs --bootloader " grub grubby kernel-install
check "--numa values complete" offers "tlbisoctl run --cpus 2 --numa " local interleave
check "options after a verb's option still complete" offers "tlbisoctl status --json --" --runtime-dir

# Every long option that a verb of the built tlbisoctl documents is offered.
for v in $verbs; do
	[ -x "$builddir/cli/tlbisoctl" ] || break
	help=$("$builddir/cli/tlbisoctl" "$v" --help 2>/dev/null) || continue
	opts=$(grep -oE -- '--[a-z][a-z-]*' <<<"$help" | sort -u | grep -vx -- '--version')
	[ -n "$opts" ] || continue
	# shellcheck disable=SC2086
	check "every option of the built '$v --help' completes" offers "tlbisoctl $v --" $opts
done

echo "1..$n"
exit $fail
