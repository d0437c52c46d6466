import { build } from 'vite';
import { rendererConfig } from '../electron.vite.config';

/**
 * Builds the renderer alone, with exactly the configuration `electron-vite build` uses for it,
 * into `outDir` (default out/renderer). The e2e suite and the bundle test use this: they need the
 * web bundle, not the Electron main process.
 */
export async function buildRenderer(outDir: string = rendererConfig.build.outDir): Promise<string> {
  await build({ ...rendererConfig, configFile: false, logLevel: 'warn', build: { ...rendererConfig.build, outDir } });
  return outDir;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outDir = await buildRenderer(process.argv[2]);
  console.log(`renderer built into ${outDir}`);
}
