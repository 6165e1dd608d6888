#!/bin/sh
# make bench: boot the same kernel ROUNDS times per entry of BENCH
# (';'-separated kernel command lines, the list booted ROUNDS times over;
# each asi=on line is compared with the line that is the same with
# asi=off), run bench/asi_bench in the guest (RUNS runs of each workload;
# QUICK=1: small counts, one boot, one run), and write
# build/bench/report.{md,csv,svg}: per workload and command line,
# the counters per 1000 operations and the guest time as a ratio to its
# reference. Then each command line of BENCH is booted once more under
# QEMU -icount shift=0,sleep=off with one CPU (ICOUNT=0 skips it): there a
# guest nanosecond is one executed instruction, so its times are exact
# instruction counts, reported per operation beside the noisy TCG times.
# QUICK=1 checks that every figure was collected, nothing else.
set -eu
. "$(dirname "$0")/lib.sh"

BENCH=${BENCH:-asi=off pti=off no5lvl;asi=on pti=off no5lvl;asi=off pti=on no5lvl;asi=on pti=on no5lvl;asi=off pti=off no5lvl secretmem.pool=0}
if [ "${QUICK:-0}" = 1 ]; then
	opts="-q,-r,${RUNS:-1}"
	rounds=${ROUNDS:-1}
else
	opts="-r,${RUNS:-3}"
	rounds=${ROUNDS:-2}
fi
# Boots of one command line differ more than runs within a boot do: boot
# the whole list ROUNDS times, interleaved; the report pools the runs of
# equal command lines.
list=""
r=0
while [ $r -lt "$rounds" ]; do
	list="$list${list:+;}$BENCH"
	r=$((r + 1))
done
R="$B/bench"
prepare_runs "$R"
csv="$R/report.csv"
: >"$csv"
# one boot: the benchmark, its CSV appended with the boot as first column
# shellcheck disable=SC2317 # called through for_each_boot
bench_boot() {
	i=$1 boot=$2
	d="$R/${label:+icount-}$i"
	note "boot $i: ${label}${boot:-default} (asi_bench $(echo "$opts" | tr , ' '))"
	start=$(date +%s)
	APPEND="$boot ${APPEND:-}" "$top/scripts/run.sh" --bench "$d" "$opts" ||
		die "boot $i did not finish the benchmark; console: $d/console.log"
	awk -v boot="$label$boot" -v hdr="$(if [ -s "$csv" ]; then echo 0; else echo 1; fi)" \
		'NR == 1 { if (hdr == 1) print "boot," $0; next }
		/,/ { print boot "," $0 }' "$d/results.csv" | tr -d '\r' >>"$csv"
	note "boot $i: done in $(($(date +%s) - start)) s"
}
label=""
for_each_boot "$list" bench_boot
if [ "${ICOUNT:-1}" != 0 ]; then
	label="icount: "
	opts_time=$opts
	[ "${QUICK:-0}" = 1 ] || opts="-r,1"
	ICOUNT=1 SMP=1
	export ICOUNT SMP
	for_each_boot "$BENCH" bench_boot
	opts=$opts_time
fi

kver=$(cat "$O/include/config/kernel.release" 2>/dev/null || echo unknown)
awk -F, -v date="$(date -u +%Y-%m-%d)" -v kver="$kver" -v quick="${QUICK:-0}" \
	-v rounds="$rounds" -v md="$R/report.md" -v svg="$R/report.svg" -f "$top/scripts/bench-report.awk" "$csv"
note "report: $R/report.md, $R/report.svg, raw: $csv"
