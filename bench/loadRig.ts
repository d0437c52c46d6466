import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCentral } from '../central';
import { DATA_FILES } from '../central/dataDir';
import { demoCustomer } from '../domain/demo/generator';
import { startLocalPostgres, type LocalPostgres } from '../test/support/postgres';

/**
 * What the load bench (bench/load.ts) and its smoke test (test/central/load.pg.test.ts) run against:
 * a PostgreSQL database, the demo customers and one care rep per desk, made through the store's own
 * admin operations (the ones the CLI runs: add-user, enrolment-code, seed-demo), and two central nodes
 * serving it, each a child process of its own (`central/cli.ts serve`) with its own copy of the data
 * dir, as README's two nodes behind a load balancer: the bench process's CPU is not the nodes'.
 */
export const LOAD_PASSWORD = 'load bench password 2026';
/** the seed of the demo customers; `demoCustomer(firstIndex + i, DEMO)` gives each one's verification answers */
const DEMO = { seed: 15, historyMonths: 0 } as const;

export interface LoadCustomer {
  id: string;
  email: string;
  ssnLast4: string;
}

export interface LoadNode {
  url: string;
  enrolmentUrl: string;
  child: ChildProcess;
}

export interface LoadRig {
  nodes: LoadNode[];
  caPem: string;
  /** the database's URL, for the checks after a run */
  databaseUrl: string;
  dataDir: string;
  /** the care reps' usernames, one per desk */
  usernames: string[];
  /** the seeded customers, `customersPerDesk` per desk in desk order */
  customers: LoadCustomer[];
  enrolmentCode: string;
  stop(): Promise<void>;
}

export interface LoadRigOptions {
  desks: number;
  customersPerDesk: number;
  nodes?: number;
  /** an empty database to use; without it the rig starts a PostgreSQL of its own (durable commits) */
  databaseUrl?: string;
  /** `--cpu-prof` on node 1, written to this directory */
  profileDir?: string;
  log?: (line: string) => void;
}

export async function startLoadRig(options: LoadRigOptions): Promise<LoadRig> {
  const log = options.log ?? (() => undefined);
  let postgres: LocalPostgres | null = null;
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl) {
    // pg_stat_statements: where the database's time goes, for the profile bench/README.md records
    postgres = await startLocalPostgres({ durable: true, settings: ['shared_preload_libraries=pg_stat_statements'] });
    databaseUrl = await postgres.createDatabase('load');
    log(`PostgreSQL started (durable commits) at ${new URL(databaseUrl).host}`);
  }
  const root = mkdtempSync(join(tmpdir(), 'caredesk-load-'));
  const dataDir = join(root, 'base');
  const nodes: LoadNode[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => stopChild(n.child)));
    postgres?.stop();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    mkdirSync(dataDir, { mode: 0o700 });
    writeFileSync(join(dataDir, DATA_FILES.config), JSON.stringify({ database: { url: databaseUrl, poolMax: 10 } }));
    const central = await openCentral({ dataDir });
    let usernames: string[];
    let customers: LoadCustomer[];
    let enrolmentCode: string;
    const caPem = central.tls.caPem;
    try {
      const started = performance.now();
      const seeded = await central.admin.seedDemo(options.desks * options.customersPerDesk, DEMO);
      customers = Array.from({ length: seeded.customers }, (_, i) => {
        const { customer, secrets } = demoCustomer(seeded.firstIndex + i, DEMO);
        return { id: customer.id, email: customer.email, ssnLast4: secrets.ssnLast4 };
      });
      usernames = Array.from({ length: options.desks }, (_, i) => `load.rep.${i + 1}`);
      // argon2id per user: a few at a time, on the thread pool
      for (let i = 0; i < usernames.length; i += 8) {
        await Promise.all(usernames.slice(i, i + 8).map((username) => central.admin.addUser({ username, displayName: `Load ${username}`, role: 'care_rep', password: LOAD_PASSWORD })));
      }
      enrolmentCode = await central.admin.createEnrolmentCode({ uses: Math.min(1000, options.desks), hours: 2 });
      log(`seeded ${customers.length} customers and ${usernames.length} care reps in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      await central.close();
    }
    const started = await Promise.allSettled(
      Array.from({ length: options.nodes ?? 2 }, (_, i) => {
        const nodeDir = join(root, `node-${i + 1}`);
        cpSync(dataDir, nodeDir, { recursive: true });
        const profile = i === 0 && options.profileDir ? [`--cpu-prof`, `--cpu-prof-dir=${options.profileDir}`] : [];
        return startNode(nodeDir, profile);
      }),
    );
    for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    log(`central nodes: ${nodes.map((n) => n.url).join(', ')}`);
    return { nodes, caPem, databaseUrl, dataDir, usernames, customers, enrolmentCode, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function startNode(dataDir: string, nodeArgs: string[]): Promise<LoadNode> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'central/cli.ts', 'serve', '--data-dir', dataDir, '--port', '0'], {
    cwd: new URL('..', import.meta.url).pathname,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise<LoadNode>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const urls = [...out.matchAll(/https:\/\/[\d.:a-z]+/g)].map((m) => m[0]);
      if (urls.length >= 2) resolve({ url: urls[0]!, enrolmentUrl: urls[1]!, child });
    });
    child.once('exit', (code) => reject(new Error(`central node exited (${code}): ${out}`)));
  });
}

/** SIGTERM: the node closes its store (and writes its CPU profile when asked) before it exits. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
