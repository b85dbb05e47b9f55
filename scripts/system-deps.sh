#!/usr/bin/env bash
# System packages the tests need: Debian's Chromium (browser tests, PNG share cards), CJK fonts, npm (axe-core).
# Idempotent; skips apt when everything is already there.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
command -v npm >/dev/null 2>&1 || need+=(npm)  # installs axe-core for the accessibility tests (make web-test-deps)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing system packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
