#!/bin/sh
# make bench: boot the same kernel ROUNDS times per entry of BENCH
# (';'-separated kernel command lines, the list booted ROUNDS times over;
# each asi=on line is compared with the line that is the same with
# asi=off), run bench/asi_bench in the guest (RUNS runs of each workload;
# QUICK=1: small counts, one boot, one run), and write
# build/bench/report.{md,csv,svg}: per workload and command line,
# the counters per 1000 operations and the guest time as a ratio to its
# reference. QUICK=1 checks that every figure was collected, nothing else.
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
	note "boot $i: ${boot:-default} (asi_bench $(echo "$opts" | tr , ' '))"
	start=$(date +%s)
	APPEND="$boot ${APPEND:-}" "$top/scripts/run.sh" --bench "$R/$i" "$opts" ||
		die "boot $i did not finish the benchmark; console: $R/$i/console.log"
	awk -v boot="$boot" -v first="$i" 'NR == 1 { if (first == 1) print "boot," $0; next }
		/,/ { print boot "," $0 }' "$R/$i/results.csv" | tr -d '\r' >>"$csv"
	note "boot $i: done in $(($(date +%s) - start)) s"
}
for_each_boot "$list" bench_boot

kver=$(cat "$O/include/config/kernel.release" 2>/dev/null || echo unknown)
awk -F, -v date="$(date -u +%Y-%m-%d)" -v kver="$kver" -v quick="${QUICK:-0}" \
	-v rounds="$rounds" -v md="$R/report.md" -v svg="$R/report.svg" -f "$top/scripts/bench-report.awk" "$csv"
note "report: $R/report.md, $R/report.svg, raw: $csv"
