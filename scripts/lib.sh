# Shared settings for the harness scripts (sourced, POSIX sh).
# shellcheck shell=sh
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/BASE"
B=${B:-$top/build}
TREE=${TREE:-$B/linux}
CONFIG=${CONFIG:-test}
O=${O:-$B/obj-$CONFIG}
JOBS=${JOBS:-$(nproc)}

# Reproducible and ccache-friendly kernel builds: fixed O=, fixed stamps.
export KBUILD_BUILD_TIMESTAMP="${KBUILD_BUILD_TIMESTAMP:-2024-11-17 00:00:00 UTC}"
export KBUILD_BUILD_USER="${KBUILD_BUILD_USER:-linux-asi}"
export KBUILD_BUILD_HOST="${KBUILD_BUILD_HOST:-harness}"
export CCACHE_DIR="${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/linux-asi-ccache}"
export CCACHE_BASEDIR="$top"

die() { echo "$(basename "$0"): error: $*" >&2; exit 1; }
note() { echo "$(basename "$0"): $*"; }

# Fragments for a config name: test is the base, anything else is layered
# on top of it (e.g. CONFIG=debug -> test + debug).
# CONFIG=i386 stands alone: a 32-bit build (ARCH=i386) for make check.
fragments() {
	case "$CONFIG" in
	i386) echo "$top/configs/i386.config" ;;
	test) echo "$top/configs/test.config" ;;
	*) echo "$top/configs/test.config" "$top/configs/$CONFIG.config" ;;
	esac
}

KARCH=x86
[ "$CONFIG" = i386 ] && KARCH=i386

kmake() {
	if command -v ccache >/dev/null 2>&1; then
		make -C "$TREE" O="$O" ARCH="$KARCH" CC="ccache gcc" HOSTCC="ccache gcc" "$@"
	else
		make -C "$TREE" O="$O" ARCH="$KARCH" "$@"
	fi
}

series_list() {
	[ -f "$top/patches/series" ] || return 0
	grep -v '^[[:space:]]*\(#\|$\)' "$top/patches/series"
}

# A hash of everything `make tree` applies: lets other targets notice that
# patches/ moved on since the tree was made.
series_hash() {
	{
		echo "$LINUX_SOURCE_VERSION"
		series_list | while read -r p; do cat "$top/patches/$p"; done
	} | sha1sum | cut -c1-40
}

# prepare_runs DIR: build what is stale (kernel, initramfs), then give the
# runs an empty result directory DIR
prepare_runs() {
	"$top/scripts/kernel.sh"
	"$top/scripts/initramfs.sh"
	rm -rf "$1"
	mkdir -p "$1"
}

# for_each_boot LIST FUNC: call "FUNC N BOOT" for each ';'-separated kernel
# command line of LIST (N from 1, BOOT without surrounding blanks; a
# trailing ';' adds nothing). Under set -e a failing FUNC ends the script.
for_each_boot() {
	_fn=$2
	_n=0
	_rest="${1%;};"
	while [ -n "$_rest" ]; do
		_boot=${_rest%%;*}
		_rest=${_rest#*;}
		_n=$((_n + 1))
		_boot=$(printf '%s\n' "$_boot" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
		"$_fn" "$_n" "$_boot"
	done
}

# Create or refresh build/linux unless the caller points TREE elsewhere
# (make check BISECT=1 builds a worktree it manages itself).
ensure_tree() {
	[ "${HARNESS_OWN_TREE:-0}" = 1 ] || "$top/scripts/tree.sh" --ensure
}
