#!/usr/bin/env bash
# The bench's own tools: SPIN and a C compiler, which engine-pipeline.bench.ts runs on the Promela
# twin of its pipeline model. Optional: without them the bench prints that the SPIN figure is
# skipped and why, so a failed install warns and does not stop the setup.
set -uo pipefail
need_apt=()
command -v spin >/dev/null 2>&1 || need_apt+=(spin)
command -v gcc >/dev/null 2>&1 || need_apt+=(gcc)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup-bench: apt-get install ${need_apt[*]}"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null; }; then
    echo "setup-bench: could not install ${need_apt[*]}: the bench will skip its SPIN figure"
  fi
fi
exit 0
