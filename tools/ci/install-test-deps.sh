#!/usr/bin/env bash
# Installs the Debian packages the sample tests need (Chromium for the browser test, ffmpeg for `analyze --video`),
# only when they are missing. Needs root (or sudo) the first time; does nothing once they are there.
set -euo pipefail
packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium chromium-driver)
command -v ffmpeg >/dev/null 2>&1 || packages+=(ffmpeg)
[ ${#packages[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "Installing ${packages[*]} (needed by the sample tests)..."
# A fresh machine may have no package lists yet: update and retry once.
$sudo apt-get install -y --no-install-recommends "${packages[@]}" >/dev/null \
  || { $sudo apt-get update >/dev/null && $sudo apt-get install -y --no-install-recommends "${packages[@]}" >/dev/null; }
