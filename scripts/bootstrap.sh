#!/usr/bin/env bash
# Prepares a fresh Debian 12 + Node 20 machine for Peerlane: the pinned pnpm and the workspace's
# dependencies from the lockfile. With --test, also the Debian packages the tests drive for real
# (Chromium for browser tests, Redis, coturn and nginx for the deployment test, openssl for test
# certificates, iproute2/util-linux for the loopback-only namespace).
set -euo pipefail
cd "$(dirname "$0")/.."

pnpm_version=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$pnpm_version" ]; then
  npm install --global --no-fund --no-audit "pnpm@$pnpm_version"
fi

if [ "${1:-}" = "--test" ]; then
  need=()
  command -v chromium >/dev/null || need+=(chromium)
  command -v redis-server >/dev/null || need+=(redis-server)
  command -v turnserver >/dev/null || need+=(coturn)
  command -v nginx >/dev/null || need+=(nginx)
  command -v openssl >/dev/null || need+=(openssl)
  command -v ip >/dev/null || need+=(iproute2)
  command -v unshare >/dev/null || need+=(util-linux)
  if [ ${#need[@]} -gt 0 ]; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${need[@]}"
  fi
fi

export TURBO_TELEMETRY_DISABLED=1
pnpm install --frozen-lockfile
