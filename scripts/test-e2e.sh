#!/usr/bin/env bash
# `npm run test:e2e [-- test/e2e/one.e2e.ts …]`: end-to-end tests in a real VS Code, from
# a fresh machine: installs the tools (cached after the first run), packages the
# extension as a user would get it, then runs test/e2e/*.e2e.ts one file at a time (each
# starts its own code-server and Chromium; two at once would starve a 2-core runner).
#
# The package under test ships the trained model when models/conexus-code-v1 exists and
# otherwise the small fixture model under the same name, so the suite never depends on
# a training run having happened.
set -euo pipefail
cd "$(dirname "$0")/.."

tools_line=$(bash .ci/e2e-setup.sh | grep '^CONEXUS_E2E_TOOLS=')
export CONEXUS_E2E_TOOLS="${tools_line#CONEXUS_E2E_TOOLS=}"

out=test-results/e2e
mkdir -p "$out"
model_args=()
if [ ! -f models/conexus-code-v1/config.json ]; then
  echo "[test:e2e] models/conexus-code-v1 is not there; packaging the fixture model in its place" >&2
  node --import tsx test/fixtures/model/makeFixtureModel.ts "$out/fixture-model"
  model_args=(--model "$out/fixture-model")
fi
export CONEXUS_E2E_VSIX="$out/conexus-e2e.vsix"
node --import tsx scripts/package.ts --out "$CONEXUS_E2E_VSIX" "${model_args[@]}" >/dev/null

if [ $# -gt 0 ]; then files=("$@"); else files=(test/e2e/*.e2e.ts); fi
exec node --import tsx --test --test-concurrency=1 "${files[@]}"
