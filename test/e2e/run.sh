#!/usr/bin/env bash
# `npm run test:e2e`: the Playwright suite, with the real OS keychain like the rest of the tests.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec bash test/with-keyring.sh npx playwright test "$@"
