#!/usr/bin/env bash
# Install Debian's chromium for the browser tests when it is missing (never a downloaded browser).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then exit 0; fi
echo "chromium not found: installing Debian package chromium..." >&2
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
export DEBIAN_FRONTEND=noninteractive
as_root apt-get install -y -q chromium >&2 || { as_root apt-get update -q >&2 && as_root apt-get install -y -q chromium >&2; }
