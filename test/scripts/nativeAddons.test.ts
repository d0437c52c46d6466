import { describe, expect, it } from 'vitest';
import { nativeAddonsBlocker } from '../../scripts/nativeAddons';

/** `npm start` says what to run when node_modules was built for another Node (npm install before the preflight). */
describe('the native add-ons at npm start', () => {
  it('load in the Node that runs the tests', () => {
    expect(nativeAddonsBlocker()).toBeNull();
  });

  it('built for another Node: names the fix instead of a stack trace', () => {
    const mismatch = Object.assign(new Error('The module was compiled against a different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 137.'), { code: 'ERR_DLOPEN_FAILED' });
    expect(nativeAddonsBlocker(() => {
      throw mismatch;
    })).toMatch(/bash scripts\/preflight\.sh && npm rebuild/);
  });

  it('leaves any other failure as it is', () => {
    expect(() => nativeAddonsBlocker(() => {
      throw new Error('disk on fire');
    })).toThrow('disk on fire');
  });
});
