import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** Lints a fixture as if it were the file at `asPath`, returning the layering messages. */
async function layeringErrors(fixture: string, asPath: string): Promise<string[]> {
  const code = readFileSync(`${root}/test/fixtures/lint/${fixture}`, 'utf8');
  const [result] = await eslint.lintText(code, { filePath: `${root}/${asPath}` });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the layering rule (DESIGN §2 import directions)', () => {
  it('fails the lint when domain imports the central store', async () => {
    expect(await layeringErrors('domain-imports-central.ts', 'domain/bad.ts')).toEqual([expect.stringContaining('domain imports nothing of ours')]);
  });
  it('fails the lint when domain imports a Node built-in', async () => {
    expect(await layeringErrors('domain-imports-node.ts', 'domain/bad.ts')).toEqual([expect.stringContaining('no I/O')]);
  });
  it('fails the lint when electron/core imports electron', async () => {
    expect(await layeringErrors('core-imports-electron.ts', 'electron/core/bad.ts')).toEqual([expect.stringContaining('plain Node')]);
  });
  it('fails the lint when central imports workstation code', async () => {
    expect(await layeringErrors('central-imports-core.ts', 'central/bad.ts')).toEqual([expect.stringContaining('central never imports electron')]);
  });
  it('fails the lint when the renderer imports the core', async () => {
    expect(await layeringErrors('renderer-imports-core.ts', 'renderer/bad.ts')).toEqual([expect.stringContaining('window.caredesk')]);
  });
  it('passes an allowed direction (core → domain)', async () => {
    expect(await layeringErrors('core-imports-domain.ts', 'electron/core/sync/ok.ts')).toEqual([]);
  });
});

describe('the layering rule for tests and benchmarks', () => {
  it('fails the lint when a test imports renderer source', async () => {
    const [result] = await eslint.lintText("import { App } from '../../renderer/App';\nexport const x = App;\n", { filePath: `${root}/test/domain/bad.test.ts` });
    expect(result!.messages.map((m) => m.message)).toEqual([expect.stringContaining('nothing imports renderer')]);
  });
});
