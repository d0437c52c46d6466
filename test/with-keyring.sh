#!/usr/bin/env bash
# Runs a command with the real OS keychain: gnome-keyring's Secret Service in a private D-Bus
# session, with a keyring made fresh for this run (its own XDG_DATA_HOME), so no desktop keyring
# is touched. Inside such a session already, it just runs the command.
set -euo pipefail
if [[ -n "${CAREDESK_KEYRING_READY:-}" ]]; then exec "$@"; fi
export XDG_DATA_HOME
XDG_DATA_HOME="$(mktemp -d)"
export CAREDESK_KEYRING_READY=1
exec dbus-run-session -- bash -c 'echo -n caredesk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' bash "$@"
