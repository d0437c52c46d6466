import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES } from '../../../domain/console/channels';
import type { WorkstationCore } from '../../../electron/core';
import { channelInput, expectNamedRefusal, FUZZ_RUNS, FUZZ_SEED as SEED, hostileValue } from '../../support/hostile';
import { removeTempDirs, signedOutCore } from './helpers';

/**
 * Hostile input on every console channel, as a compromised renderer would send it: property-based,
 * with a fixed seed so a failure replays. Whatever arrives, the core answers with a result (never
 * a throw), refuses a bad value naming the field and the rule, and nothing it parsed reaches
 * Object.prototype. CI runs FUZZ_RUNS cases per channel; CAREDESK_FUZZ_RUNS runs more. A longer
 * run, 2026-12-02: CAREDESK_FUZZ_RUNS=5000 (95,000 inputs over 19 channels, seed 20261202), all
 * passed in 22 s. The core is signed out here, so this pins the contract's parsing; a signed-in
 * session is fuzzed in sessionFuzz.integration.test.ts, the central store's push endpoint in
 * test/central/pushFuzz.test.ts.
 */

let core: WorkstationCore;
let dispose: () => Promise<void>;
beforeAll(async () => {
  ({ core, dispose } = await signedOutCore('fuzz-test'));
});
afterAll(async () => {
  await dispose();
  removeTempDirs();
});

const EXPECTED_CODES = new Set(['validation', 'locked', 'signed_out', 'unauthenticated', 'not_enrolled', 'no_keychain', 'not_found', 'forbidden', 'offline', 'conflict']);

describe('hostile console input', () => {
  it.each(CHANNEL_NAMES)(`%s: answers every hostile input with a result, refusals name field and rule (${FUZZ_RUNS} cases)`, async (channel) => {
    await fc.assert(
      fc.asyncProperty(channelInput, async (input) => {
        const result = await core.dispatch(channel, input);
        // what crosses back to the renderer is plain JSON
        expect(() => JSON.stringify(result)).not.toThrow();
        expect(typeof result.ok).toBe('boolean');
        if (result.ok) return;
        expectNamedRefusal(result.error, EXPECTED_CODES, channel);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'customerId')).toBe(false);
      }),
      { numRuns: FUZZ_RUNS, seed: SEED, endOnFailure: true },
    );
  }, 120_000);

  it('refuses a channel name that is not a string or not in the contract', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileValue, fc.string()), async (channel) => {
        fc.pre(!(CHANNEL_NAMES as readonly unknown[]).includes(channel));
        const result = await core.dispatch(channel, {});
        expect(result.ok).toBe(false);
      }),
      { numRuns: FUZZ_RUNS, seed: SEED },
    );
  });
});
