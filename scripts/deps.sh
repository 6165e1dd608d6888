#!/bin/sh
# Install every Debian package the harness needs. Idempotent: when all is
# present it only asks dpkg and returns (well under a second).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/BASE"

pkgs="make gcc libc6-dev flex bison bc libelf-dev libssl-dev cpio xz-utils
perl python3 git qemu-system-x86 qemu-system-data busybox-static ccache
libcap-dev iproute2 util-linux iperf3 socat stress-ng trinity ethtool"

missing=""
for p in $pkgs; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
have_src=$(dpkg-query -W -f='${Version}' "$LINUX_SOURCE_PKG" 2>/dev/null || true)

[ -z "$missing" ] && [ "$have_src" = "$LINUX_SOURCE_VERSION" ] && exit 0

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
apt_install() {
	$SUDO apt-get install -y --no-install-recommends "$@"
}

updated=0
update() {
	[ $updated = 1 ] && return 0
	echo "deps: apt-get update"
	$SUDO apt-get update -q >/dev/null
	updated=1
}

if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	# shellcheck disable=SC2086
	apt_install $missing >/dev/null 2>&1 || { update; apt_install $missing >/dev/null; }
fi

if [ "$have_src" != "$LINUX_SOURCE_VERSION" ]; then
	if apt_install "$LINUX_SOURCE_PKG=$LINUX_SOURCE_VERSION" >/dev/null 2>&1 ||
	   { update; apt_install "$LINUX_SOURCE_PKG=$LINUX_SOURCE_VERSION" >/dev/null 2>&1; }; then
		echo "deps: installed $LINUX_SOURCE_PKG $LINUX_SOURCE_VERSION (pinned base)"
	else
		update
		apt_install "$LINUX_SOURCE_PKG" >/dev/null
		got=$(dpkg-query -W -f='${Version}' "$LINUX_SOURCE_PKG")
		cat >&2 <<MSG
********************************************************************
deps: WARNING: the pinned base $LINUX_SOURCE_PKG $LINUX_SOURCE_VERSION
deps: is no longer in the archive; using $got instead.
deps: The series is applied with 'git am -3'; results are NOT from the
deps: pinned base. Update BASE once the series is checked on $got.
********************************************************************
MSG
	fi
fi
