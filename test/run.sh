#!/usr/bin/env bash
# The README's test line ends here: type-check, lint, then every test (unit, integration with the
# real OS keychain, end-to-end in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -n "${CAREDESK_KEYRING_READY:-}" ]] || exec bash test/with-keyring.sh bash test/run.sh

# the type check and the linter side by side (each mostly one core); either failing fails the run
npm run typecheck &
typecheck=$!
npm run lint
wait "$typecheck"
npx vitest run
npm run test:e2e
