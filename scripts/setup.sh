#!/usr/bin/env bash
# Installs what the checker, the language server and the demo need on a fresh machine: the npm
# packages. The end-to-end toolchain (Debian neovim and chromium, code-server into .e2e/) is the
# tests' own: `npm test` installs it (test/e2e/setup-e2e.sh) before its end-to-end phase, so the
# README's first command stays under a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
