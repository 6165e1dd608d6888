#!/bin/sh
# make soak: boot each command line of SOAK_BOOTS and run /soak/run (the
# guest side: scripts/soak-guest) for SOAK_MIN minutes in it: stress-ng,
# trinity and namespace churn in parallel, memfd_secret() checkers, then
# the guest's own checks, whose lines come on the second serial port
# (results.log). Here each boot's console is judged as well: any
# crash line (make test's patterns but "Call Trace:", which OOM reports
# print too; and RCU stalls) fails the boot,
# unless the same report (its first line, addresses and numbers masked)
# appears in the asi=off boot too; OOM kills are listed. The host's count
# of the guest's "soak: ok/FAIL" lines must match the guest's own summary.
# Per boot and overall: "N passed, N failed".
# Environment: SOAK_MIN (10), SOAK_BOOTS (';'-separated), CONFIG, SMP,
# MEM (2G here: stress-ng's memory stressors drove 1G into the OOM killer),
# TIMEOUT_SCALE (times N: the host's timeout, the guest's deadline for the
# tools, its wait for trinity to start and its waits for tools to end).
set -eu
. "$(dirname "$0")/lib.sh"
min=${SOAK_MIN:-10}
case "$min" in '' | *[!0-9]* | 0) die "SOAK_MIN must be a whole number of minutes, at least 1 (got '$min')" ;; esac
scale=${TIMEOUT_SCALE:-1}
case "$scale" in '' | *[!0-9]* | 0) die "TIMEOUT_SCALE must be a positive integer, not '$scale'" ;; esac
boots=${SOAK_BOOTS:-"asi=off no5lvl;asi=on,enforce pti=on no5lvl;asi=on,enforce pti=off no5lvl;asi=on,audit pti=on no5lvl"}
export MEM=${MEM:-2G}
dir="$B/soak-$CONFIG"
rm -rf "$dir"
mkdir -p "$dir"
crash_re='Kernel panic|BUG: |WARNING: |Oops|general protection fault|kernel BUG at|UBSAN:|KASAN:|kmemleak: [0-9]+ new suspected|Kernel memory leak detector disabled|INFO: task .* blocked|detected stalls|self-detected stall'
# the console is read as text whatever bytes trinity puts in it
g() { LC_ALL=C grep -a "$@"; }
# a crash report's first line, without timestamp, addresses and numbers
sig() { g -E "$crash_re" "$1" | sed -e 's/^\[[ 0-9.]*\] //' -e 's/0x[0-9a-f]*//g' -e 's/[0-9a-f]\{8,\}//g' -e 's/[0-9][0-9]*/N/g' | sort -u; }

total_pass=0 total_fail=0 off=""
# soak_boot N BOOT: one boot, its console and results judged
soak_boot() {
	n=$1 boot=$2
	[ -n "$boot" ] || return 0
	d="$dir/$n"
	mkdir -p "$d"
	echo "$boot" >"$d/cmdline"
	note "boot $n: $boot, $min min"
	t0=$(date +%s)
	# The guest's worst case, all times TIMEOUT_SCALE: up to 600 s for
	# trinity to start, then 3x the soak + 60 s for every tool, 90 s
	# each for the two trinity instances to end and 60 s each for the
	# two secret checkers, a settle of the counters (up to 30 tries) and
	# two kmemleak scans; and the boot. 3x the soak + 30 min covers it.
	APPEND="$boot ${APPEND:-}" RUN_LOG="$d/console.log" RUN_OUT="$d/results.log" \
		TIMEOUT=$(((min * 60 * 3 + 1800) * scale)) \
		"$top/scripts/run.sh" --cmd "/soak/run $min $scale $CONFIG >/dev/ttyS1" >"$d/run.out" 2>&1 || true
	touch "$d/results.log"
	p=$(g -c '^soak: ok ' "$d/results.log" || true)
	f=$(g -c '^soak: FAIL ' "$d/results.log" || true)
	sum=$(g -o '^soak: [0-9]* passed, [0-9]* failed' "$d/results.log" | tail -1)
	if [ -z "$sum" ]; then
		echo "soak: FAIL boot $n: the guest never finished (panic or timeout)" >>"$d/host.log"
		f=$((f + 1))
	elif [ "$sum" != "soak: $p passed, $f failed" ]; then
		echo "soak: FAIL boot $n: the guest said '${sum#soak: }', its output shows $p ok and $f FAIL lines" >>"$d/host.log"
		f=$((f + 1))
	fi
	g 'Out of memory: Killed process' "$d/console.log" | sed 's/^\[[ 0-9.]*\] /soak: note: /; s/ total-vm.*//' >>"$d/host.log" || true
	sig "$d/console.log" >"$d/crashes"
	[ -n "$off" ] || case "$boot" in asi=off*) off="$d/crashes" ;; esac
	while read -r c; do
		[ -n "$c" ] || continue
		if [ -n "$off" ] && [ "$off" != "$d/crashes" ] && grep -qxF -e "$c" "$off"; then
			echo "soak: seen on asi=off too: $c" >>"$d/host.log"
		else
			echo "soak: FAIL console: $c" >>"$d/host.log"
			f=$((f + 1))
		fi
	done <"$d/crashes"
	[ -s "$d/crashes" ] || { echo "soak: ok console: no crash report" >>"$d/host.log"; p=$((p + 1)); }
	g '^soak: ' "$d/results.log" | tr -d '\r' | sed "s/^/  /"
	[ ! -f "$d/host.log" ] || sed "s/^/  /" "$d/host.log"
	note "boot $n: $p passed, $f failed in $(($(date +%s) - t0)) s; console: $d/console.log, results: $d/results.log"
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
}
for_each_boot "$boots" soak_boot
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
