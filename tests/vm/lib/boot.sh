# shellcheck shell=bash
# boot.sh - boot the guest and turn its channel into TAP (sourced by run).
#
# Two serial ports: ttyS0 is the kernel console, saved as console.log;
# ttyS1 carries only the guest's protocol (see guest/lib.sh), saved as
# channel.log and followed live, so results stream while the VM runs.

# irqaffinity=0-1: the serial ports are ordinary (unmanaged) IRQs, which
# would otherwise land on an isolated CPU (ttyS1 did, on CPU 2) and make
# the harness itself the noise that tlbisod reports.
QEMU_CMDLINE_BASE="console=ttyS0 panic=-1 nohz_full=2-3 isolcpus=nohz,domain,managed_irq,2-3 rcu_nocbs=2-3 irqaffinity=0-1 quiet"

# art_begin/art_line/art_end: reassemble a base64-framed artefact.
art_begin() {
	ART_NAME=$1
	ART_TMP=$WORK/art.b64
	: >"$ART_TMP"
}

art_line() { [ -n "${ART_NAME:-}" ] && echo "$1" >>"$ART_TMP"; }

art_end() {
	local name=$1 sum=$2 dest
	case $name in
	"" | /* | *..*) tap_not_ok "artefact '$name' has a safe name"; return ;;
	esac
	dest=$ARTDIR/$name
	mkdir -p "$(dirname "$dest")"
	if base64 -d "$ART_TMP" >"$dest" 2>/dev/null &&
		[ "$(sha256sum <"$dest" | cut -d' ' -f1)" = "$sum" ]; then
		tap_diag "artefact $name exported ($(wc -c <"$dest") bytes)"
	else
		tap_not_ok "artefact $name arrived intact"
	fi
	ART_NAME=
}

# boot_parse_line LINE: act on one channel line.
boot_parse_line() {
	local line=${1%$'\r'}
	case $line in
	"TAP ok - "* | "TAP not ok - "*) tap_guest_line "${line#TAP }" ;;
	"TAP #"*) echo "${line#TAP }" ;;
	"ART BEGIN "*) art_begin "${line#ART BEGIN }" ;;
	"ART END "*)
		# shellcheck disable=SC2086 # "name sha256" splits into two
		set -- ${line#ART END }
		art_end "$1" "$2"
		;;
	"ART "*) art_line "${line#ART }" ;;
	"BOOT "*)
		BOOT_SECS=$(($(date +%s) - BOOT_T0))
		tap_diag "guest up: $BOOT_SECS s after qemu start, kernel" \
			"reached /init at ${line#BOOT }"
		;;
	"SCENARIO "*) tap_diag "--- scenario ${line#SCENARIO } ---" ;;
	"SCENDONE "*) tap_diag "--- ${line#SCENDONE } ---" ;;
	"DONE "*)
		GUEST_DONE=1
		tap_diag "guest done at ${line#DONE }"
		;;
	esac
}

# boot_run SCENARIO...: boot once, run the scenarios, emit their TAP.
boot_run() {
	local list qpid rc
	list=$(IFS=,; echo "$*")
	: >"$WORK/channel.log"
	GUEST_DONE=0
	BOOT_T0=$(date +%s)
	timeout -k 10 "$TIMEOUT" qemu-system-x86_64 \
		-M q35 -cpu max -smp 4 -m 1024 -nographic -no-reboot -nic none \
		-monitor none -serial "file:$WORK/console.log" \
		-serial "file:$WORK/channel.log" \
		-kernel "$KERNEL" -initrd "$WORK/initrd.gz" \
		-append "$QEMU_CMDLINE_BASE tlbiso_vm=$list ${TLBISO_VM_APPEND:-}" \
		</dev/null >"$WORK/qemu.err" 2>&1 &
	qpid=$!
	while IFS= read -r line; do
		boot_parse_line "$line"
	done < <(tail -n +1 -f --pid="$qpid" "$WORK/channel.log")
	wait "$qpid"
	rc=$?
	tap_diag "qemu ran $(($(date +%s) - BOOT_T0)) s, exit status $rc"
	cp "$WORK/console.log" "$ARTDIR/console.log" 2>/dev/null
	if [ "$GUEST_DONE" -eq 1 ]; then
		tap_ok "guest ran all scenarios and powered off"
		return 0
	fi
	[ "$rc" -eq 124 ] && tap_diag "timed out after $TIMEOUT s (TLBISO_VM_TIMEOUT)"
	tap_not_ok "guest ran all scenarios and powered off"
	tail -n 30 "$WORK/console.log" "$WORK/qemu.err" | sed 's/^/#   /'
	return 1
}
