#!/usr/bin/env bash
# Preflight: run before `npm install` (a root `preinstall` hook would run only after the native
# add-ons had already failed to build). It checks what a fresh machine lacks for CareDesk and, for
# each missing piece, says what it will run and runs it when it may: as root, or through sudo after
# asking; `--yes` for unattended use. Otherwise it prints the one command to run and exits 1.
#
#   bash scripts/preflight.sh [--yes] [--tests]
#
# Checks: a supported Node (see package.json "engines"; taken from npm's official binary package
# where the OS has an older one), headers for that Node so node-gyp builds the native add-ons
# (encrypted SQLite, keytar) without downloading anything, python3/make/g++, libsecret (keytar),
# and for the console preview and the tests: Debian's chromium, gnome-keyring and dbus (a private
# Secret Service). `--tests` also checks what only the tests need: Debian's postgresql (the central
# store's tests run again on a PostgreSQL server they start themselves).
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_MAJOR=24         # the maintained LTS line CareDesk runs on; Electron 42 embeds the same major
NODE_MIN=24.11.0      # = package.json "engines"
YES=0
TESTS=0
for arg in "$@"; do
  case "$arg" in
    --yes | -y) YES=1 ;;
    --tests) TESTS=1 ;;
    -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "preflight: unknown option $arg (use --yes, --tests)" >&2; exit 2 ;;
  esac
done

say() { printf 'preflight: %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

# --- what is missing ------------------------------------------------------------------------
version_ge() { # version_ge 24.1.0 24.11.0 → false
  local IFS=.
  local -a a=($1) b=($2)
  for i in 0 1 2; do
    ((${a[i]:-0} > ${b[i]:-0})) && return 0
    ((${a[i]:-0} < ${b[i]:-0})) && return 1
  done
  return 0
}

node_version() { have node && node -p 'process.versions.node' 2>/dev/null || echo 0; }

node_arch() {
  case "$(uname -m)" in
    x86_64) echo x64 ;; aarch64 | arm64) echo arm64 ;; armv7l) echo armv7l ;; *) uname -m ;;
  esac
}
NODE_PACKAGE="node-$(uname -s | tr 'A-Z' 'a-z')-$(node_arch)@$NODE_MAJOR"
# official binaries go under /usr/local, ahead of the OS's /usr/bin on the default PATH
NODE_PREFIX=/usr/local

missing_debs=()
need_deb() { missing_debs+=("$1"); }

check_system() {
  missing_debs=()
  have python3 || need_deb python3
  have make || need_deb make
  have g++ || need_deb g++
  if ! have pkg-config; then need_deb pkg-config; need_deb libsecret-1-dev
  elif ! pkg-config --exists libsecret-1; then need_deb libsecret-1-dev; fi
  [[ -x "${CAREDESK_CHROMIUM:-/usr/bin/chromium}" ]] || have chromium || need_deb chromium
  have gnome-keyring-daemon || need_deb gnome-keyring
  have dbus-run-session || need_deb dbus
  have dbus-launch || need_deb dbus-x11
  # initdb and pg_ctl, which Debian keeps off PATH (test/support/postgres.ts finds them there)
  if ((TESTS)) && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then need_deb postgresql; fi
  return 0
}

# --- running what fixes it ------------------------------------------------------------------
# as_root "the command as a person would type it": runs it as root, directly when root, else
# through sudo after asking (or with --yes). When it may not, prints the command and exits 1.
as_root() {
  local shown="$1"
  if ((EUID == 0)); then
    if ((YES)) || confirm "run: $shown"; then bash -c "$shown"; return; fi
  elif have sudo; then
    shown="sudo ${shown//&& /&& sudo }"
    if ((YES)) || confirm "run: $shown"; then bash -c "$shown"; return; fi
  fi
  say "missing: $WHAT"
  say "run this (as root), then the same command again:"
  printf '\n    %s\n\n' "$shown"
  exit 1
}

confirm() {
  [[ -t 0 ]] || return 1 # nobody to ask: print the command instead (or pass --yes)
  local answer
  read -r -p "preflight: $1 ? [y/N] " answer
  [[ "$answer" == [yY]* ]]
}

check_system
if ((${#missing_debs[@]})); then
  WHAT="Debian packages ${missing_debs[*]}"
  if ! have apt-get; then
    say "missing: ${missing_debs[*]} (Debian package names): install their equivalents with your system's package manager"
    exit 1
  fi
  say "CareDesk needs ${missing_debs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root "apt-get update && apt-get install -y --no-install-recommends ${missing_debs[*]}"
  check_system
  if ((${#missing_debs[@]})); then say "still missing after install: ${missing_debs[*]}"; exit 1; fi
fi

current="$(node_version)"
if ! version_ge "$current" "$NODE_MIN"; then
  WHAT="Node $NODE_MIN or newer (this machine has ${current/#0/none})"
  say "CareDesk runs on Node $NODE_MAJOR LTS (>= $NODE_MIN); this machine has ${current/#0/none}"
  have npm || { say "no npm either: install Node $NODE_MAJOR LTS from your OS vendor or nodejs.org"; exit 1; }
  as_root "npm install --global --prefix $NODE_PREFIX --no-audit --no-fund $NODE_PACKAGE"
  hash -r
  current="$(node_version)"
  if ! version_ge "$current" "$NODE_MIN"; then
    say "Node $current is still first on PATH; put $NODE_PREFIX/bin before $(dirname "$(command -v node)") and run again"
    exit 1
  fi
  say "Node $current installed in $NODE_PREFIX/bin"
fi

# node-gyp must build the native add-ons against this Node's own headers. It would download them,
# which these machines cannot; the official binary package carries them (include/node), so point
# npm at them in this project's .npmrc when the configured headers are for another Node.
headers_major() { sed -n 's/^#define NODE_MAJOR_VERSION \([0-9]*\).*/\1/p' "$1/include/node/node_version.h" 2>/dev/null; }
running_major="${current%%.*}"
configured="$(npm config get nodedir 2>/dev/null || true)"
[[ "$configured" == "undefined" || "$configured" == "null" ]] && configured=""
if [[ -z "$configured" || "$(headers_major "$configured")" != "$running_major" ]]; then
  node_home="$(node -p 'require("path").resolve(process.execPath, "../..")')"
  node_real="$(node -p 'require("path").resolve(require("fs").realpathSync(process.execPath), "../..")')"
  for candidate in "$node_home" "$node_real" "$NODE_PREFIX/lib/node_modules/${NODE_PACKAGE%@*}"; do
    if [[ "$(headers_major "$candidate")" == "$running_major" ]]; then
      grep -v '^nodedir=' .npmrc 2>/dev/null >.npmrc.tmp || true
      echo "nodedir=$candidate" >>.npmrc.tmp
      mv .npmrc.tmp .npmrc
      say "native add-ons will build against Node $running_major headers in $candidate (.npmrc)"
      break
    fi
  done
fi

say "ready: Node $current, build tools, libsecret, chromium, Secret Service$( ((TESTS)) && echo ', PostgreSQL')"
