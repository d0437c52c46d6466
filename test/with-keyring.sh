#!/usr/bin/env bash
# Runs a command with the real OS keychain: gnome-keyring's Secret Service on a private D-Bus
# session bus, with a keyring made fresh for this run (its own XDG_DATA_HOME), so no desktop
# keyring is touched; bus, keyring daemon and folder are gone when the command ends. Inside such a
# session already, it just runs the command. Used by the tests and by `npm start`'s console preview.
set -euo pipefail
if [[ -n "${CAREDESK_KEYRING_READY:-}" ]]; then exec "$@"; fi
for tool in dbus-launch gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null; then
    echo "with-keyring: $tool is missing; run 'bash scripts/preflight.sh' (it installs dbus-x11 and gnome-keyring)" >&2
    exit 127
  fi
done
export XDG_DATA_HOME
XDG_DATA_HOME="$(mktemp -d)"
# the bus is started apart from this process group, so Ctrl+C reaches only the command, which
# then stops itself while its keychain is still there
eval "$(dbus-launch --sh-syntax)"
trap 'kill "$DBUS_SESSION_BUS_PID" 2>/dev/null; rm -rf "$XDG_DATA_HOME"' EXIT
echo -n caredesk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
export CAREDESK_KEYRING_READY=1
trap ':' INT
set +e
"$@"
