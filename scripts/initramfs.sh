#!/bin/sh
# make initramfs: busybox-static, the harness /init, the selftest
# programs of tests/selftests.list, built statically from the tree against
# its own exported headers, the benchmark program bench/asi_bench, and
# Debian's bash, dash (/bin/sh), ip, tc, nstat, ethtool, unshare, nsenter,
# iperf3, socat, setpriv, stress-ng and trinity with their libraries,
# and the soak's guest side.
# Output: build/initramfs-$CONFIG.cpio.gz
set -eu
. "$(dirname "$0")/lib.sh"
ensure_tree
GUEST_TOOLS="/bin/bash /usr/sbin/ip /usr/sbin/tc /usr/bin/unshare /usr/bin/nsenter /usr/bin/iperf3 /usr/bin/socat
/usr/bin/setpriv /usr/bin/stress-ng /usr/bin/trinity /usr/sbin/ethtool /usr/bin/nstat
/usr/bin/dash"
[ -f "$O/.config" ] || die "no kernel configured in $O (make kernel)"

kmake -s headers >/dev/null
ST="$B/selftests-$CONFIG"
root="$B/initramfs-$CONFIG.d"
rm -rf "$root"
mkdir -p "$root/bin" "$root/tests"

list="$top/tests/selftests.list"
grep -v '^[[:space:]]*\(#\|$\)' "$list" >"$B/selftests-$CONFIG.list"
# "build" for a timeout: a program a listed script runs, built, not run
awk '$3 != "build"' "$B/selftests-$CONFIG.list" >"$root/tests/list"
while read -r dir prog _; do
	mkdir -p "$ST/$dir" "$root/tests/$dir"
	# a script (TEST_PROGS) runs from the tree as it is, with the helper
	# scripts its directory's tests source or run
	case "$prog" in *.sh | run_*)
		for f in "$prog" in_netns.sh lib.sh net_helper.sh; do
			[ "$f" = "$prog" ] || [ -f "$TREE/tools/testing/selftests/$dir/$f" ] || continue
			cp "$TREE/tools/testing/selftests/$dir/$f" "$root/tests/$dir/" ||
				die "no selftest script $dir/$f"
		done
		continue ;;
	esac
	if ! make -s -C "$TREE/tools/testing/selftests/$dir" OUTPUT="$ST/$dir" \
		CC="gcc -static" KHDR_INCLUDES="-isystem $O/usr/include" \
		"$ST/$dir/$prog" >"$ST/$dir/$prog.log" 2>&1; then
		cat "$ST/$dir/$prog.log" >&2
		die "building selftest $dir/$prog failed"
	fi
	cp "$ST/$dir/$prog" "$root/tests/$dir/"
done <"$B/selftests-$CONFIG.list"

mkdir -p "$root/bench"
gcc -static -O2 -Wall -o "$root/bench/asi_bench" "$top/bench/asi_bench.c" -lpthread ||
	die "building bench/asi_bench.c failed"
cp /bin/busybox "$root/bin/busybox"
# Debian's container tools, as a user of namespaces runs them, with their
# shared libraries at their own paths (/init puts /usr first in PATH and
# runs the user's commands in bash: busybox sh prefers its own applets)
for t in $GUEST_TOOLS; do
	[ -x "$t" ] || die "$t is missing (make deps installs it)"
	for f in "$t" $(ldd "$t" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		mkdir -p "$root$(dirname "$f")"
		cp -L "$f" "$root$f"
	done
done
# make soak: the guest side, its memfd_secret() checker, namespace churn,
# NMI source and counter reader (with the ASI selftests' helpers)
mkdir -p "$root/soak"
cp "$top/scripts/soak-guest" "$root/soak/run"
for p in secret_check setns_churn nmi_loop counters; do
	gcc -static -O2 -Wall -I"$TREE/tools/testing/selftests/asi" -o "$root/soak/$p" \
		"$top/tests/soak/$p.c" -lpthread || die "building tests/soak/$p.c failed"
done
cp "$top/scripts/guest-init" "$root/init"
out="$B/initramfs-$CONFIG.cpio.gz"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1 >"$out.tmp")
mv "$out.tmp" "$out"
note "$out: $(wc -l <"$root/tests/list") test programs, $(($(wc -c <"$out") / 1024)) KiB"
