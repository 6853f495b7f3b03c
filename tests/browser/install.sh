#!/usr/bin/env bash
# Install what tests/test_graphiql_browser.py needs: Debian's Chromium (used
# through playwright-core; no browser is downloaded) and the pinned npm deps.
# Run as root (CI is root). Idempotent.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ ! -x /usr/bin/chromium ] || ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    pkgs=()
    [ -x /usr/bin/chromium ] || pkgs+=(chromium)
    command -v node >/dev/null || pkgs+=(nodejs)
    command -v npm >/dev/null || pkgs+=(npm)
    apt-get install -y -qq "${pkgs[@]}"
fi

cd "$here"
# PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: belt and braces; playwright-core never downloads.
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
