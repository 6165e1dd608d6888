#!/bin/sh
# make check: checkpatch.pl --strict on every patch of the series, and an
# i386 build of the tree (configs/i386.config). BISECT=1 also applies the
# series one patch at a time on base in a separate worktree (build/bisect)
# and builds the kernel (x86-64 and i386) after each patch.
set -eu
. "$(dirname "$0")/lib.sh"
ensure_tree

bad=0
n=0
for p in $(series_list); do
	n=$((n + 1))
	if out=$(cd "$TREE" && perl scripts/checkpatch.pl --strict --no-tree --quiet \
			--ignore FILE_PATH_CHANGES "$top/patches/$p" 2>&1) && [ -z "$out" ]; then
		echo "checkpatch: ok    $p"
	else
		echo "checkpatch: FAIL  $p"
		echo "$out" | sed 's/^/    /'
		bad=$((bad + 1))
	fi
done
note "checkpatch --strict: $n patches, $bad with findings"

# i386: ASI is 64-bit only, but the series touches code 32-bit x86 builds
# too (fault and TLB handling, entry, fork, softirq): it must keep building.
note "building the series for i386 (configs/i386.config) in $B/obj-i386"
if CONFIG=i386 O="$B/obj-i386" "$top/scripts/kernel.sh" >"$B/i386.log" 2>&1; then
	note "i386: builds"
else
	tail -20 "$B/i386.log" >&2
	echo "i386: FAIL  the series does not build for i386; log: $B/i386.log" >&2
	bad=$((bad + 1))
fi

if [ "${BISECT:-0}" = 1 ] && [ $n -gt 0 ]; then
	wt="$B/bisect/linux"
	git -C "$TREE" worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
	git -C "$TREE" worktree prune
	mkdir -p "$B/bisect"
	git -C "$TREE" worktree add -q --detach "$wt" base
	i=0
	for p in $(series_list); do
		i=$((i + 1))
		git -C "$wt" am -q -3 "$top/patches/$p" || die "patch $p does not apply"
		note "bisect $i/$n: building with $p"
		if ! HARNESS_OWN_TREE=1 TREE="$wt" O="$B/bisect/obj-$CONFIG" "$top/scripts/kernel.sh" >"$B/bisect.log" 2>&1 ||
			! HARNESS_OWN_TREE=1 TREE="$wt" CONFIG=i386 O="$B/bisect/obj-i386" \
				"$top/scripts/kernel.sh" >>"$B/bisect.log" 2>&1; then
			tail -20 "$B/bisect.log" >&2
			echo "bisect: FAIL  the series does not build (x86-64 and i386) after $p" >&2
			bad=$((bad + 1))
			break
		fi
	done
	git -C "$TREE" worktree remove --force "$wt"
	[ $bad -eq 0 ] && note "bisect: every one of the $n patches builds"
fi
[ $bad -eq 0 ]
