import tseslint from 'typescript-eslint';

/**
 * The import directions of DESIGN §2 as a checked fact (the way VS Code's layering rule does it):
 * renderer → domain; electron/core → domain; electron/main → electron/core; central → domain.
 * Nothing imports renderer; domain imports nothing of ours and does no I/O.
 */
const NODE_BUILTINS = '^(node:.*|fs|fs/promises|path|os|crypto|child_process|net|tls|http|https|http2|dgram|dns|cluster|worker_threads|stream|zlib|url|util|events|readline|process|buffer|v8|vm)$';
const ours = (dirs) => `(^|/)(${dirs.join('|')})(/|$)`;
const layer = (files, forbidden) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map(([regex, message]) => ({ regex, message })) }],
  },
});

export const layering = [
  layer(['domain/**/*.ts'], [
    [ours(['central', 'electron', 'renderer', 'bench', 'test']), 'domain imports nothing of ours (DESIGN §2)'],
    [NODE_BUILTINS, 'domain is pure: no I/O, no Node (DESIGN §2)'],
    ['^(electron|react|react-dom|better-sqlite3.*|keytar|fastify|undici|kysely)$', 'domain is pure: no I/O, no Node, no DOM (DESIGN §2)'],
  ]),
  layer(['central/**/*.ts'], [
    [ours(['electron', 'renderer']), 'central never imports electron or renderer (DESIGN §2)'],
    ['^electron$', 'central never imports electron (DESIGN §2)'],
  ]),
  layer(['electron/core/**/*.ts'], [
    [ours(['renderer', 'central', 'main', 'preload']), 'electron/core imports only domain (DESIGN §2)'],
    ['^electron$', 'electron/core is plain Node: no electron import, so it runs and is tested where Electron cannot start (DESIGN §6)'],
  ]),
  layer(['electron/main/**/*.ts', 'electron/preload/**/*.ts'], [
    [ours(['renderer', 'central']), 'the Electron shell imports electron/core and domain only (DESIGN §2)'],
  ]),
  layer(['renderer/**/*.ts', 'renderer/**/*.tsx'], [
    [ours(['central', 'electron']), 'the renderer talks to the core only through window.caredesk (DESIGN §2)'],
    [NODE_BUILTINS, 'the renderer has no Node (DESIGN §2)'],
  ]),
  // (domain, central, electron already forbid renderer above; a later entry would replace their rules)
  layer(['bench/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'], [[ours(['renderer']), 'nothing imports renderer (DESIGN §2)']]),
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'release/**', 'test/fixtures/**', 'test/e2e/screenshots/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  ...layering,
  {
    // test files share their modules (vitest.config.ts: isolate false), so a module mock would miss them
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'vi', property: 'mock', message: 'test files share their modules (vitest.config.ts): test the real part, or spy and restore' },
        { object: 'vi', property: 'doMock', message: 'test files share their modules (vitest.config.ts): test the real part, or spy and restore' },
      ],
    },
  },
);
