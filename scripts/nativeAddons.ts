import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Why the native add-ons cannot load in this Node, said as what to run, or null when they load.
 * `npm install` run before `scripts/preflight.sh` (which installs Node 24 and points node-gyp at its
 * headers) builds them for another Node: every later step would fail deep inside with a stack trace.
 */
export function nativeAddonsBlocker(load: () => void = () => new (require('better-sqlite3-multiple-ciphers'))(':memory:').close()): string | null {
  try {
    load();
    return null;
  } catch (err) {
    const message = String((err as Error)?.message ?? err);
    if ((err as { code?: string })?.code !== 'ERR_DLOPEN_FAILED' && !/NODE_MODULE_VERSION/.test(message)) throw err;
    return `the native add-ons in node_modules were built for another Node than this one (${process.version}). Run \`bash scripts/preflight.sh && npm rebuild\`, then \`npm start\` again.`;
  }
}
