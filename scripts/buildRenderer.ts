import { build } from 'vite';
import { rendererConfig } from '../electron.vite.config';

/**
 * Builds the renderer alone, with exactly the configuration `electron-vite build` uses for it,
 * into `outDir` (default out/renderer). The e2e suite and the bundle tests use this: they need the
 * web bundle, not the Electron main process.
 *
 * It is the production bundle whatever NODE_ENV the runner set (vitest sets `test`): Vite decides
 * "production" from process.env.NODE_ENV alone (minified CSS, the `production` export condition,
 * React's jsx runtime without source file names), so it is `production` for the build and restored
 * after it, as `electron-vite build` sets it for its own.
 */
export async function buildRenderer(outDir: string = rendererConfig.build.outDir): Promise<string> {
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ ...rendererConfig, configFile: false, logLevel: 'warn', build: { ...rendererConfig.build, outDir } });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  return outDir;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outDir = await buildRenderer(process.argv[2]);
  console.log(`renderer built into ${outDir}`);
}
