#!/bin/sh
# make kernel: configure (tinyconfig + configs/*.config) and build bzImage
# out of tree in build/obj-$CONFIG. Warns about fragment options that did
# not survive olddefconfig (an unmet dependency drops them silently).
set -eu
. "$(dirname "$0")/lib.sh"
ensure_tree
mkdir -p "$O"

# Regenerate the config from scratch each time: fragments and the series'
# own Kconfig may both have changed. An identical result rebuilds nothing
# (kbuild tracks each CONFIG_ symbol, not .config's mtime).
cfg="$O/.config"
new="$O/.config.harness"
kmake -s KCONFIG_CONFIG=.config.harness tinyconfig >/dev/null
# shellcheck disable=SC2046
KCONFIG_CONFIG="$new" "$TREE/scripts/kconfig/merge_config.sh" -m -O "$O" "$new" $(fragments) >/dev/null
kmake -s KCONFIG_CONFIG=.config.harness olddefconfig >/dev/null
if ! cmp -s "$new" "$cfg"; then
	cp "$new" "$cfg"
	note "config updated ($(grep -c '=y' "$cfg") options =y)"
fi
rm -f "$new" "$new.old"

missing=""
for f in $(fragments); do
	missing="$missing$(grep -E '^(CONFIG_[A-Z0-9_]+)=' "$f" | while IFS= read -r line; do
		grep -qxF "$line" "$cfg" || printf ' %s' "$line"
	done)"
done
[ -z "$missing" ] || note "WARNING: not in the final .config (dependency not met?):$missing"

note "building bzImage in $O ($JOBS jobs)"
start=$(date +%s)
if ! kmake -j"$JOBS" bzImage >"$O/build.log" 2>&1; then
	grep -E 'error|Error' "$O/build.log" | head -40 >&2
	die "kernel build failed; full log: $O/build.log"
fi
grep -E 'warning:' "$O/build.log" | head -20 || true
note "built $O/arch/x86/boot/bzImage in $(($(date +%s) - start)) s"
