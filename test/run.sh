#!/usr/bin/env bash
# The README's test line ends here: type-check, lint, then every test, with the real OS keychain.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${CAREDESK_KEYRING_READY:-}" ]]; then
  # The keychain tests use the real Secret Service: gnome-keyring in a private D-Bus session, with a
  # keyring made fresh for this run (its own XDG_DATA_HOME), so no desktop keyring is touched.
  export XDG_DATA_HOME
  XDG_DATA_HOME="$(mktemp -d)"
  export CAREDESK_KEYRING_READY=1
  exec dbus-run-session -- bash -c 'echo -n caredesk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec bash test/run.sh'
fi

npm run typecheck
npm run lint
npx vitest run
