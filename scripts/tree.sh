#!/bin/sh
# make tree: extract the pinned base into build/linux as a git repository
# with a deterministic base commit (tag "base") and apply patches/series.
#
#   tree.sh           (re)create the tree; refuses to discard unexported work
#   tree.sh --ensure  create it if missing, refresh it if patches/ changed and
#                     the tree holds no work of its own, else leave it alone
# FORCE=1 discards unexported work in the tree.
set -eu
. "$(dirname "$0")/lib.sh"

stamp="$TREE/.git/linux-asi-stamp"

base_msg="Linux $LINUX_SOURCE_VERSION (Debian $LINUX_SOURCE_PKG)

Pristine $LINUX_SOURCE_TARBALL as installed by the
$LINUX_SOURCE_PKG package, minus the Debian packaging stanza of the
top-level .gitignore (it ignores every new top-level file).
"

g() { git -C "$TREE" "$@"; }

# Identity and dates for every commit the harness makes, so that the base
# commit has the same id on every machine.
export GIT_AUTHOR_NAME="linux-asi harness" GIT_AUTHOR_EMAIL="harness@linux-asi.invalid"
export GIT_COMMITTER_NAME="linux-asi harness" GIT_COMMITTER_EMAIL="harness@linux-asi.invalid"

make_base() {
	note "extracting $LINUX_SOURCE_TARBALL into $TREE"
	rm -rf "$TREE" "$TREE.tmp"
	mkdir -p "$TREE.tmp"
	tar -C "$TREE.tmp" -xf "$LINUX_SOURCE_TARBALL" --strip-components=1
	# Drop Debian's "ignore everything at the top level" stanza: it is not
	# part of Linux and silently hides new files such as mm/asi/core.c.
	gi="$TREE.tmp/.gitignore"
	n=$(grep -n '^# Debian packaging' "$gi" | cut -d: -f1 || true)
	if [ -n "$n" ]; then
		head -n $((n - 2)) "$gi" >"$gi.new" && mv "$gi.new" "$gi"
	fi
	mv "$TREE.tmp" "$TREE"
	note "creating the base commit"
	g init -q -b master
	g config core.autocrlf false
	g config gc.auto 0
	# who commits in the tree: the series' identity, whatever the machine's
	g config user.name "linux-asi developers"
	g config user.email "linux-asi@lists.invalid"
	g add -A -f .
	GIT_AUTHOR_DATE="2024-11-17T00:00:00Z" GIT_COMMITTER_DATE="2024-11-17T00:00:00Z" \
		g commit -q -m "$base_msg"
	g tag base
	g config linux-asi.base "$LINUX_SOURCE_VERSION"
	note "base $(g rev-parse --short base) = $LINUX_SOURCE_VERSION"
}

# Is there work in the tree that patches/ does not hold?
unexported_work() {
	[ -n "$(g status --porcelain --untracked-files=no)" ] && { echo "uncommitted changes"; return 0; }
	tmp=$(mktemp -d)
	"$top/scripts/export.sh" --to "$tmp" >/dev/null
	for f in "$tmp"/*.patch; do
		[ -e "$f" ] || continue
		case "$f" in *cover-letter*) continue ;; esac
		cmp -s "$f" "$top/patches/$(basename "$f")" || { echo "commit $(basename "$f") not exported"; rm -rf "$tmp"; return 0; }
	done
	rm -rf "$tmp"
	return 1
}

# The "Notes:" block that export.sh (format-patch --notes) wrote below the
# --- line of a patch, unindented.
patch_note() {
	awk '/^---$/ && !s { s = 1; next }
		s == 1 && /^Notes:$/ { s = 2; next }
		s == 1 && !/^$/ { exit }
		s == 2 && /^    / { sub(/^    /, ""); print; next }
		s == 2 { exit }' "$1"
}

apply_series() {
	n=0
	for p in $(series_list); do
		[ -f "$top/patches/$p" ] || die "patches/series names $p, which does not exist"
		if ! g am -q -3 --committer-date-is-author-date "$top/patches/$p" >/dev/null 2>"$B/am.log"; then
			cat "$B/am.log" >&2
			g am --abort >/dev/null 2>&1 || true
			die "patch $p does not apply to $(g describe --tags --always HEAD); tree left at the patch before it"
		fi
		# git am drops what stands below the --- line: give the note back
		nt=$(patch_note "$top/patches/$p")
		[ -z "$nt" ] || printf '%s\n' "$nt" | g notes add -f -F - HEAD
		n=$((n + 1))
	done
	echo "$(series_hash) $(g rev-parse HEAD)" >"$stamp"
	note "applied $n patches on base ($(g rev-parse --short HEAD))"
}

fresh_tree() {
	mkdir -p "$B"
	if [ -d "$TREE/.git" ] && [ "$(g config linux-asi.base || true)" = "$LINUX_SOURCE_VERSION" ] &&
	   g rev-parse -q --verify base >/dev/null; then
		g am --abort >/dev/null 2>&1 || true
		g checkout -q -f master 2>/dev/null || g checkout -q -f -B master
		g reset -q --hard base
		g clean -q -fdx
	else
		make_base
	fi
	# harness results ride below a patch's --- line as a git note: keep
	# them on commits that rebase or amend rewrites (trees made earlier too)
	g config notes.rewriteRef refs/notes/commits
	apply_series
}

"$top/scripts/deps.sh"

case "${1:-}" in
--ensure)
	if [ ! -d "$TREE/.git" ]; then
		fresh_tree
	elif [ "$(cut -d' ' -f1 "$stamp" 2>/dev/null)" != "$(series_hash)" ]; then
		if [ "$(cut -d' ' -f2 "$stamp" 2>/dev/null)" = "$(g rev-parse HEAD)" ] &&
		   [ -z "$(g status --porcelain --untracked-files=no)" ]; then
			note "patches/ changed since the tree was made; re-making it"
			fresh_tree
		else
			note "warning: patches/ and $TREE have both changed; using the tree as it is (make export, or make tree FORCE=1)"
		fi
	fi
	;;
"")
	if [ -d "$TREE/.git" ] && [ "${FORCE:-0}" != 1 ] && why=$(unexported_work); then
		die "$TREE has $why; run 'make export' first or 'make tree FORCE=1' to discard it"
	fi
	fresh_tree
	;;
*) die "usage: tree.sh [--ensure]" ;;
esac
