#!/bin/sh
# make test: build what is stale, then boot once per entry of BOOT
# (';'-separated kernel command lines, a matrix), run KUnit and the
# selftests, print a per-suite table and one closing line
# "N passed, N failed, N skipped". Exits non-zero on any failure, a
# panic/oops/BUG/WARN on the console, a boot that never reached or never
# finished the tests, or a timeout.
set -eu
. "$(dirname "$0")/lib.sh"

BOOT=${BOOT:-asi=off;asi=on,enforce pti=on no5lvl;asi=on,barrier=verw pti=off no5lvl;asi=off secretmem.pool=0}
known=$(grep -v '^[[:space:]]*\(#\|$\)' "$top/tests/known-tcg" | tr '\n' ' ')
R="$B/test-$CONFIG"
# TIMEOUT_SCALE=N: every selftest's timeout and the boot's TIMEOUT times N
scale=${TIMEOUT_SCALE:-1}
case "$scale" in '' | *[!0-9]* | 0) die "TIMEOUT_SCALE must be a positive integer, not '$scale'" ;; esac
prepare_runs "$R"
rows="$R/rows.tsv"
times="$R/times.tsv"
: >"$rows"
: >"$times"

# one boot of the matrix: run it, summarize it into rows.tsv
# shellcheck disable=SC2317 # called through for_each_boot
test_boot() {
	i=$1 boot=$2
	label=${boot:-default}
	d="$R/$i"
	note "boot $i: $label ${APPEND:+(+ $APPEND)}"
	start=$(date +%s)
	set +e
	APPEND="$boot ${APPEND:-} harness.tscale=$scale" TIMEOUT=$((${TIMEOUT:-2400} * scale)) \
		"$top/scripts/run.sh" --test "$d"
	rc=$?
	set -e
	echo "$label" >"$d/label"
	touch "$d/console.log" "$d/results.tap"
	awk -v boot="$label" -v qemu_rc="$rc" -v known="$known" -f "$top/scripts/summarize.awk" \
		"$d/console.log" "$d/results.tap" >"$d/rows.tsv"
	cat "$d/rows.tsv" >>"$rows"
	# "# time: dir/prog seconds timeout" -> boot, test, seconds, timeout
	tr -d '\r' <"$d/results.tap" | awk -v boot="$label" '$1 == "#" && $2 == "time:" {
		printf "%s\t%s\t%s\t%s\n", boot, $3, $4, $5 }' >>"$times"
	f=$(awk -F'\t' '{f += $4} END {print f + 0}' "$d/rows.tsv")
	note "boot $i: done in $(($(date +%s) - start)) s, $f failed; console: $d/console.log"
}
for_each_boot "$BOOT" test_boot

# Margins: a timeout must hold 3x the run it bounds on a loaded machine.
echo
# (Known TCG failures that their timeout ends on purpose are not judged.)
awk -F'\t' -v known="$known" '
	BEGIN { n = split(known, kl, " "); for (i = 1; i <= n; i++) isknown[kl[i]] = 1 }
	{ r = $3 > 0 ? $4 / $3 : 1000; if (!($2 in m) || r < m[$2]) { m[$2] = r; t[$2] = $3; b[$2] = $1; o[$2] = $4 } }
	END {
		for (k in m) if (t[k] > 5 || m[k] < 3)
			printf "timing: %-36s slowest %7.1f s of %5d s (%s)%s\n", k, t[k], o[k], b[k],
				m[k] < 3 ? (k in isknown ? "  (known under TCG)" : "  MARGIN BELOW 3x") : ""
	}' "$times" | sort -k4 -rn

# the failing subtests (selftest TAP) and KUnit cases (console), for
# the tail of a CI log
for d in "$R"/*/; do
	b=${d%/}
	b=${b##*/}
	tr -d '\r' <"$d/results.tap" | grep '^not ok' | sed "s|^|FAILED: boot $b: |"
	tr -d '\r' <"$d/console.log" | grep 'not ok' | sed "s|^|FAILED: boot $b: |"
done >"$R/notok.txt" || :
echo
awk -F'\t' -v notok="$R/notok.txt" '
	BEGIN { printf "%-30s %-40s %5s %5s %5s  %s\n", "boot", "suite", "pass", "fail", "skip", "note" }
	{
		printf "%-30s %-40s %5d %5d %5d  %s\n", $1, $2, $3, $4, $5, $6
		p += $3; f += $4; s += $5
	}
	$4 > 0 { failed[++nf] = sprintf("FAILED: %s | %s | %s", $1, $2, $6) }
	END {
		print ""
		# the failures again, where the tail of a CI log shows them
		for (i = 1; i <= nf; i++)
			print failed[i]
		if (nf)
			while ((getline l < notok) > 0)
				print l
		printf "%d passed, %d failed, %d skipped\n", p, f, s
		exit f > 0
	}' "$rows" && exit 0

echo
echo "FAILED: see the console logs under $R/*/console.log and results in $R/*/results.tap" >&2
exit 1
