#!/usr/bin/env bash
# Usage: stop-code-server.sh RUN_DIR — ends the process group start-code-server.sh created
# (code-server, its extension host, file watcher, pty host, and our language server).
RUN=$1; pid=$(cat "$RUN/code-server.pid" 2>/dev/null) || exit 0
kill -TERM -- "-$pid" 2>/dev/null || exit 0
for _ in $(seq 1 100); do
  pgrep -g "$pid" >/dev/null || { echo "code-server $pid stopped"; exit 0; }
  sleep 0.1
done
echo "code-server group $pid still alive after 10 s, SIGKILL"; kill -KILL -- "-$pid" 2>/dev/null; exit 0
