#!/usr/bin/env bash
# Install the Debian packages Tilts needs, when they are missing. Usage: system-deps.sh run|test
# As root it uses apt-get directly; otherwise sudo if available; otherwise it says what to install.
set -euo pipefail
need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
want() { for p in "$@"; do have_pkg "$p" || need+=("$p"); done; }

py=${PYTHON:-python3.11}
command -v "$py" >/dev/null || py=python3
"$py" -c "import ensurepip, venv" 2>/dev/null || want python3-venv
want gettext
# WeasyPrint renders PDFs with Pango; fonts with Latvian letters for PDFs and screenshots.
want libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
if [ "${1:-run}" = "test" ]; then
  want postgresql chromium chromium-driver fonts-liberation2
fi
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${need[*]}"
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "Please install as root: apt-get install -y ${need[*]}" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
