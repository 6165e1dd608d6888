#!/bin/sh
# Boot the kernel of build/obj-$CONFIG with the test initramfs in QEMU (TCG).
#   run.sh                      interactive shell on the serial console
#   run.sh --cmd 'CMD'          run one command in the guest, exit with its rc
#   run.sh --cmd-file FILE      the same, the command read from FILE
#   run.sh --test DIR           run the test list; console.log and results.tap
#                               go to DIR; exits with QEMU's (or timeout's) rc
#   run.sh --bench DIR OPTS     run asi_bench OPTS (',' for ' '); results.csv
#                               and console.log go to DIR; fails unless it ran
# Environment: APPEND (kernel parameters; unset: asi=on no5lvl), SMP (2), MEM (1G),
# ICOUNT=1 (QEMU -icount shift=0,sleep=off: guest ns = instructions),
# QMON=PATH (a QEMU monitor on that unix socket: `log exec,nochain` there
# traces every translated block the guest runs, for a profile),
# QEMU_PLUGIN=FILE.so[,ARGS] (a TCG plugin: patches/wip/tools/tbprof.c
# counts instructions per kernel symbol, exact and much faster),
# TIMEOUT (seconds: 2400 for --test, 900 for --cmd and --bench); for --cmd,
# RUN_LOG (the console log; build/run-cmd.log) and RUN_OUT (a file for the
# guest's second serial port, /dev/ttyS1: output away from printk's).
set -eu
. "$(dirname "$0")/lib.sh"

kernel="$O/arch/x86/boot/bzImage"
initrd="$B/initramfs-$CONFIG.cpio.gz"
[ -f "$kernel" ] || die "no kernel at $kernel (make kernel)"
[ -f "$initrd" ] || die "no initramfs at $initrd (make initramfs)"
bios=/usr/share/qemu/qboot.rom
[ -f "$bios" ] || bios=/usr/share/qemu/bios.bin

# make run boots with ASI on unless told otherwise (APPEND= set, even empty);
# make test passes each matrix entry in APPEND. asi_test.enable=1 turns on
# the test interface of a test kernel (off without it).
append="console=ttyS0 panic=-1 asi_test.enable=1 ${APPEND-asi=on no5lvl}"
# qemu [timeout-prefix...] -- [qemu args...]
qemu() {
	pre=""
	while [ "$1" != -- ]; do pre="$pre $1"; shift; done
	shift
	# ICOUNT=1: one guest nanosecond per executed instruction (exact counts)
	icount=""
	[ "${ICOUNT:-0}" != 1 ] || icount="-icount shift=0,sleep=off"
	# shellcheck disable=SC2086
	$pre qemu-system-x86_64 -M q35 -cpu max -smp "${SMP:-2}" -m "${MEM:-1G}" $icount ${QEMU_PLUGIN:+-plugin "$QEMU_PLUGIN"} ${QMON:+-monitor unix:$QMON,server,nowait} \
		-nodefaults -nographic -no-reboot -bios "$bios" \
		-kernel "$kernel" -initrd "$initrd" "$@"
}

# start_run DIR ARGS: a fresh DIR for a run whose command line (recorded
# in DIR/cmdline, and booted from there) adds ARGS
start_run() {
	mkdir -p "$1"
	rm -f "$1/console.log" "$1/results.tap" "$1/results.csv"
	echo "$append $2" >"$1/cmdline"
}

case "${1:-}" in
"")
	note "booting $(basename "$O") with: $append (Ctrl-A X quits QEMU)"
	qemu -- -append "$append" -serial mon:stdio
	;;
--cmd | --cmd-file)
	if [ "$1" = --cmd ]; then
		enc=$(printf '%s' "$2" | base64 -w0)
	else
		enc=$(base64 -w0 <"$2")
	fi
	# RUN_LOG: the console log (make soak gives each boot its own)
	log="${RUN_LOG:-$B/run-cmd.log}"
	set -- -serial stdio
	[ -z "${RUN_OUT:-}" ] || { rm -f "$RUN_OUT"; set -- "$@" -serial "file:$RUN_OUT"; }
	set +e
	qemu timeout "${TIMEOUT:-900}" -- -append "$append harness.mode=cmd harness.cmd=$enc" \
		"$@" </dev/null | tee "$log"
	set -e
	rc=$(sed -n 's/^harness: exit=\([0-9]*\).*/\1/p' "$log" | tail -n1)
	[ -n "$rc" ] || die "the guest never reported the command's exit status (panic or timeout?); console: $log"
	exit "$rc"
	;;
--test)
	dir=$2
	start_run "$dir" harness.mode=test
	set +e
	qemu timeout "${TIMEOUT:-2400}" -- -append "$(cat "$dir/cmdline")" \
		-serial "file:$dir/console.log" -serial "file:$dir/results.tap" </dev/null
	rc=$?
	set -e
	exit $rc
	;;
--bench)
	# run.sh --bench DIR OPTS: asi_bench OPTS (',' for ' '); results.csv and
	# console.log go to DIR, the bench's progress lines to stdout
	dir=$2
	start_run "$dir" "harness.mode=bench harness.bench=$3"
	set +e
	qemu timeout "${TIMEOUT:-900}" -- -append "$(cat "$dir/cmdline")" \
		-serial stdio -serial "file:$dir/results.csv" </dev/null |
		tee "$dir/console.log" | grep --line-buffered '^bench: '
	set -e
	grep -q '^harness: bench exit=0' "$dir/console.log"
	;;
*) die "usage: run.sh [--cmd CMD | --cmd-file FILE | --test DIR | --bench DIR OPTS]" ;;
esac
