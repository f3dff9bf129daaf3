#!/usr/bin/env bash
# Installs what cors-e2e needs when it is missing: Debian's browser packages
# (apt-get when root, otherwise the command to run is printed) and the .venv
# with the project installed. Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(chromium firefox-esr webkit2gtk-driver xvfb xauth nodejs python3-venv)
VENV=.venv
STAMP=$VENV/.installed

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: run as root: apt-get install -y ${missing[*]}" >&2
    exit 3
  fi
fi

if [ ! -x "$VENV/bin/pip" ]; then
  # No pip: never made, or made half (python3-venv was missing): start again.
  echo "setup: creating $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
fi
if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
  echo "setup: installing cors-e2e and its dependencies into $VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -e '.[dev]' 2>&1 \
    | grep -v "^WARNING: Location" || true
  "$VENV/bin/python" -c "import e2e, playwright, selenium, flask, yaml, moto" \
    || { echo "setup: the install into $VENV failed" >&2; exit 3; }
  touch "$STAMP"
fi
