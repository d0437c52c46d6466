import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';

let cached: Promise<string> | null = null;

/** The preload's bridge bundled for a page: one IIFE for `page.addInitScript`. */
export function bridgeScript(): Promise<string> {
  cached ??= (async () => {
    const output = (await build({
      configFile: false,
      logLevel: 'warn',
      build: {
        write: false,
        minify: false,
        target: 'chrome130',
        lib: { entry: fileURLToPath(new URL('./bridgeEntry.ts', import.meta.url)), formats: ['iife'], name: 'caredeskBridge' },
      },
    })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
    const first = Array.isArray(output) ? output[0]! : output;
    const chunk = first.output.find((o) => o.type === 'chunk');
    if (!chunk || chunk.type !== 'chunk') throw new Error('bridge bundle has no chunk');
    return chunk.code;
  })();
  return cached;
}
