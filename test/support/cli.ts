import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the central store's admin CLI as a separate process on `dataDir`, as an administrator would
 * (`npm run central` is tsx on central/cli.ts): one Node process with tsx's loader, not npx's and
 * tsx's own launcher in front of it, which cost a second or two per command on a loaded machine.
 */
export async function centralCli(dataDir: string, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'central/cli.ts', ...args, '--data-dir', dataDir], { cwd: repoRoot });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
