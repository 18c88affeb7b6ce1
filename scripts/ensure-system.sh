#!/usr/bin/env bash
# Installs the Debian packages the portal, its demo and its tests need, when missing (root only).
set -euo pipefail
PACKAGES=(
  postgresql redis-server           # the database and the broker (already up on this machine)
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core  # weasyprint
  chromium                          # browser tests (Playwright drives Debian's chromium)
  nodejs                            # node, for axe-core in the accessibility tests (package.json)
  nftables                          # fault injection in the simulated network
  fping                             # benchmark baseline
  docker-compose                    # validates docker-compose.yml (no engine needed)
  poppler-utils                     # pdftoppm, to look at PDF reports
  iproute2
)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# Debian packages npm apart from nodejs; NodeSource's nodejs carries it.
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "Missing Debian packages: ${missing[*]}; run as root or install them." >&2
    exit 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
