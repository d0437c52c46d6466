import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type RendererViteConfig } from 'electron-vite';

const root = import.meta.dirname;
/** out/ unless a test builds elsewhere */
const out = process.env.CAREDESK_OUT_DIR ?? resolve(root, 'out');

/**
 * The renderer: a plain web bundle (no Node, no electron), loaded from the app's own scheme.
 * Exported so the e2e suite and the bundle test can build exactly this with Vite alone.
 * Always the production bundle, whatever NODE_ENV the caller runs under (vitest sets `test`):
 * a development build names every source file by its absolute path (React's jsxDEV), so what
 * is tested would not be what ships, and the build machine's directories would ship with it.
 */
export const rendererConfig = {
  root: resolve(root, 'renderer'),
  base: './',
  mode: 'production',
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  oxc: { jsx: { development: false } },
  plugins: [react()],
  build: {
    outDir: resolve(out, 'renderer'),
    emptyOutDir: true,
    sourcemap: false,
    target: 'chrome130',
    // stated here, not left to each builder's default (electron-vite's is unminified, Vite's
    // minified), so `npm run build` and buildRenderer make the same bytes
    minify: true,
    modulePreload: { polyfill: false },
    // zod and libphonenumber's metadata make one bundle of about 600 kB: loaded from disk, once
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      input: resolve(root, 'renderer/index.html'),
      // the bundled libraries' licence notices ship with them; other comments do not
      output: { comments: { legal: true } },
    },
  },
} satisfies RendererViteConfig;

/**
 * Builds the three parts into out/: main (ESM, Node; native add-ons and other dependencies stay
 * external and load from node_modules), preload (one CommonJS file with everything inlined, as a
 * sandboxed preload must be) and the renderer.
 */
export default defineConfig({
  main: {
    build: {
      outDir: resolve(out, 'main'),
      emptyOutDir: true,
      externalizeDeps: true,
      lib: { entry: resolve(root, 'electron/main/index.ts'), formats: ['es'] },
      rolldownOptions: { output: { entryFileNames: 'index.js' } },
    },
  },
  preload: {
    build: {
      outDir: resolve(out, 'preload'),
      emptyOutDir: true,
      externalizeDeps: false,
      lib: { entry: resolve(root, 'electron/preload/index.ts'), formats: ['cjs'] },
      rolldownOptions: { output: { entryFileNames: 'index.cjs' } },
    },
  },
  renderer: rendererConfig,
});
