#!/usr/bin/env bash
# Installs the Debian packages the test suite and reports need (servers for integration tests, fonts, PDF tools).
# Idempotent: installs only what is missing. Needs root (CI runs as root); elsewhere it prints what to install.
set -euo pipefail

PACKAGES=(
  git prometheus
  # workshop: the PostgreSQL store's tests start a throwaway server of their own (initdb, pg_ctl)
  postgresql
  # reports: WeasyPrint's text layout (Pango), CJK and emoji fonts, pdftotext/pdftoppm for the report tests
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-noto-cjk fonts-noto-color-emoji poppler-utils
  # workshop UI: the end-to-end test drives Debian's headless Chromium through Playwright (no browser download)
  chromium
)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
for pkg in "${PACKAGES[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${missing[*]} (run: sudo apt-get install ${missing[*]}); related tests will skip" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "installed: ${missing[*]}"
