#!/usr/bin/env bash
# Installs what the project needs on a fresh machine: npm packages, then the Debian packages and the
# code-server toolchain for the end-to-end tests (skipped with DMABUF_SKIP_E2E_SETUP=1), then the
# bench's SPIN and C compiler (skipped with DMABUF_SKIP_BENCH_SETUP=1).
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
if [ "${DMABUF_SKIP_E2E_SETUP:-}" != "1" ]; then
  [ -x test/e2e/setup-e2e.sh ] && bash test/e2e/setup-e2e.sh
fi
if [ "${DMABUF_SKIP_BENCH_SETUP:-}" != "1" ]; then
  [ -x bench/setup-bench.sh ] && bash bench/setup-bench.sh
fi
exit 0
