#!/usr/bin/env bash
# MCP conformance smoke test: the official inspector CLI (a client we did not write)
# talks to `conexus mcp` over stdio on a small fixture workspace and must see the four
# tools listed and a tools/call answered with structured content. Called from .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp="$(mktemp -d "${TMPDIR:-/tmp}/conexus-mcp-conformance.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/ws/src"
cat > "$tmp/ws/src/retry.ts" <<'TS'
/** Retries a failing operation with exponential backoff. */
export async function withRetry<T>(op: () => Promise<T>, attempts = 3): Promise<T> {
  let delay = 100;
  for (let i = 0; ; i++) {
    try { return await op(); } catch (e) { if (i >= attempts) throw e; await new Promise((r) => setTimeout(r, delay)); delay *= 2; }
  }
}
TS
cat > "$tmp/ws/src/parser.ts" <<'TS'
export function parseArgs(argv: string[]): string[] { return argv.filter((a) => a.includes('=')); }
TS

conexus=(node --import tsx server/cli/main.ts)
flags=(--workspace "$tmp/ws" --index-dir "$tmp/index" --model none)
repo="$PWD"
# inspector-cli 1.0.3 finds its own package.json relative to the working folder, so it
# runs from its build folder (a quirk of that release), with absolute paths for the server.
inspector() { (cd "$repo/node_modules/@modelcontextprotocol/inspector-cli/build" && node index.js "$@"); }

"${conexus[@]}" index "${flags[@]}" >/dev/null
# The inspector takes the command before `--` and its arguments after.
server_args=(--import tsx "$repo/server/cli/main.ts" mcp "${flags[@]}" --no-bridge --no-watch)

inspector node --method tools/list -- "${server_args[@]}" 2>"$tmp/list.err" >"$tmp/list.json" || { cat "$tmp/list.err" >&2; exit 1; }
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const names = r.tools.map((t) => t.name).sort().join(",");
  const want = "analyze_implementation,index_control,locate_relevant_files,search_codebase";
  if (names !== want) { console.error("tools/list: got " + names + ", want " + want); process.exit(1); }
  for (const t of r.tools) if (!t.outputSchema || !t.inputSchema) { console.error(t.name + " lacks a schema"); process.exit(1); }
' "$tmp/list.json"

inspector node --method tools/call --tool-name locate_relevant_files \
  --tool-arg "description=withRetry does not back off: the delay should double after each failure" \
  -- "${server_args[@]}" 2>"$tmp/call.err" >"$tmp/call.json" || { cat "$tmp/call.err" >&2; exit 1; }
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const top = r.structuredContent && r.structuredContent.files[0];
  if (r.isError || !top || top.path !== "src/retry.ts") { console.error("tools/call: unexpected answer " + JSON.stringify(r).slice(0, 500)); process.exit(1); }
' "$tmp/call.json"

inspector node --method tools/call --tool-name search_codebase --tool-arg "query=../../etc/passwd" --tool-arg "k=999" \
  -- "${server_args[@]}" 2>/dev/null >"$tmp/bad.json" || true
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8") || "{}");
  if (!r.isError) { console.error("an invalid k was not refused: " + JSON.stringify(r).slice(0, 300)); process.exit(1); }
' "$tmp/bad.json"

echo "mcp conformance: tools/list and tools/call OK (inspector-cli $(node -p 'require("@modelcontextprotocol/inspector-cli/package.json").version'))"
