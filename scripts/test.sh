#!/usr/bin/env bash
# Installs what the tests need (system packages when run as root on Debian/Ubuntu, a .venv with the
# project and its test extras), checks the package with ruff and mypy, and runs the suite under a virtual X
# server. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

system_packages=(xvfb xauth xdotool x11-utils libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libegl1 libxkbcommon-x11-0
                 libfontconfig1 libdbus-1-3 trayer openbox desktop-file-utils espeak-ng sox alsa-utils
                 speech-dispatcher python3-speechd
                 dbus gnome-keyring libsecret-tools)  # a real keyring for the API key tests
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for package in "${system_packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
fi
.venv/bin/python -m pip install -q -e '.[test]'

# The habits CI keeps: ruff and the type checker over the package (their settings are in pyproject.toml).
.venv/bin/ruff check inkscope_desktop
.venv/bin/mypy

# No sound card on test machines, and Qt widgets are tested offscreen or on Xvfb.
export PYTHONDONTWRITEBYTECODE=1
if command -v xvfb-run >/dev/null && [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python -m pytest "$@"
fi
exec .venv/bin/python -m pytest "$@"
