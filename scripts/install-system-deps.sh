#!/usr/bin/env bash
# Installs the Debian packages the test suite and reports need (servers for integration tests, fonts, PDF tools).
# Idempotent: installs only what is missing. Needs root (CI runs as root); elsewhere it prints what to install.
set -euo pipefail

PACKAGES=(git prometheus)
# binaries that show a package is installed
declare -A PROVIDES=([git]=git [prometheus]=prometheus)

missing=()
for pkg in "${PACKAGES[@]}"; do
  command -v "${PROVIDES[$pkg]}" >/dev/null 2>&1 || missing+=("$pkg")
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
