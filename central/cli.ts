import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { CareDeskError, INACTIVITY_DISABLE_DAYS, ROLES, Role, SessionPolicy, parseOrThrow } from '../domain';
import { generatePassword } from './identity/passwords';
import { DATA_FILES } from './dataDir';
import { LogConfig } from './ops/log';
import { certificateFingerprint } from './pki/certificates';
import { restoreDatabase } from './erasure/restore';
import { purgeRetained } from './erasure/retention';
import { purgeStaleLeads } from './leads/retention';
import { describeRun, ingestMailDrop } from './inquiries/mailDrop';
import { backupTo } from './storage/database';
import { openCentral, startCentralStore, type OpenedCentral } from './index';
import { commandLine } from './policy';

/**
 * The administrator's command line: `npm run central -- <command> [options]`.
 * See central/README.md for the commands.
 */
const USAGE = `usage: npm run central -- <command> [--data-dir DIR]

  init                                   create the data dir, CA, server certificate, first admin, enrolment code
  add-user --username U --role R --display-name "Name" [--password P]   (prompts for the password if not given)
  enrolment-code [--uses N] [--hours H]  a code for enrolling workstations (default 1 use, 24 hours)
  list-devices                           enrolled workstations: id, name, enrolled, last sign-in, revoked
  revoke-device ID                       a lost or retired workstation: it is refused and wipes its caches and keys
  disable-user USERNAME                  the user is refused and their workstations wipe their cache
  enable-user USERNAME                   the user may sign in again (with a fresh cache)
  list-lockouts                          usernames locked after too many failed sign-ins (passwords or codes)
  lift-lockout USERNAME                  let a locked user sign in again (after confirming who they are)
  reset-second-factor USERNAME           a lost phone: the user enrols a new second factor at their next sign-in
  list-users                             staff accounts: username, role, status, team, last active, desks and their pending edits
  change-role USERNAME --role R          a new role: the user's sessions end and their desks wipe the old role's cache
  reset-password USERNAME                a new one-time password (printed once); the user's desks wipe their cache
  create-team --name N [--lead USERNAME] a team, led by a supervisor
  assign-team USERNAME --team N          put the user in the team named N ("" for none)
  session-policy [--idle-minutes M] [--max-offline-hours H]   show or set the policy desks get at sign-in and unlock
  disable-inactive                       disable accounts without a sign-in for 90 days (serve does it hourly)
  seed-demo N [--seed S] [--history-months M]   N demo customers with their accounts, leads and inquiries
  demo-users                             one user per role, with generated passwords
  verify-audit [--checkpoints FILE]      recompute the audit log's hash chain and hold it against its signed checkpoints
  audit-checkpoint                       sign the audit chain's head now and write it where checkpoints go (serve: every 5 minutes)
  rotate-master-key                      wrap every card's data key under a new master key, retire the old one
  backup --to FILE                       a consistent copy of the database while it serves (keys and ledger: apart)
  restore --from FILE                    with the store stopped: the database from a backup, then every erasure in the ledger again
  purge-retained                         delete the billing records erasures kept whose retention has ended, and leads never converted past leadRetentionDays (serve does it hourly)
  ingest-mail [--from DIR]               email inquiries from a folder of .eml files or a Maildir (default: config mailDrop)
  publish-policy --changes TEXT | --changes-file FILE   publish the next privacy-policy version with what changed
  policy-versions                        each privacy-policy version: who acknowledged it, who has not yet
  serve [--port P] [--enrolment-port E] [--host H] [--drain-seconds S] [--ops-port O] [--ops-host OH] [--log-level L] [--log-file F]
                                         serve over HTTPS: the API for enrolled devices on P (default
                                         127.0.0.1:8443) and enrolment on E (default P + 1); on SIGTERM,
                                         /v1/ready answers 503 for S seconds (default 0) before the listeners close;
                                         they answer the requests in flight (10 s at most) and end the event streams;
                                         /metrics and the probes over plain HTTP on OH:O (default 127.0.0.1;
                                         O also from CAREDESK_OPS_PORT or config.json ops; off without a port);
                                         JSON log lines at L (default info) to stdout or to F (also config.json log)

  roles: ${ROLES.join(', ')}; default data dir: .caredesk/central`;

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'data-dir': { type: 'string', default: join('.caredesk', 'central') },
    username: { type: 'string' },
    role: { type: 'string' },
    'display-name': { type: 'string' },
    password: { type: 'string' },
    uses: { type: 'string' },
    hours: { type: 'string' },
    seed: { type: 'string' },
    'history-months': { type: 'string' },
    port: { type: 'string' },
    'enrolment-port': { type: 'string' },
    host: { type: 'string' },
    'drain-seconds': { type: 'string' },
    'ops-port': { type: 'string' },
    'ops-host': { type: 'string' },
    'log-level': { type: 'string' },
    'log-file': { type: 'string' },
    to: { type: 'string' },
    from: { type: 'string' },
    checkpoints: { type: 'string' },
    changes: { type: 'string' },
    'changes-file': { type: 'string' },
    name: { type: 'string' },
    lead: { type: 'string' },
    team: { type: 'string' },
    'idle-minutes': { type: 'string' },
    'max-offline-hours': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
const dataDir = options['data-dir'];
const [command, ...args] = positionals;

function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isFinite(n)) throw new CareDeskError('validation', `--${name} must be a number`);
  return n;
}

/** Reads a password without echoing it on a terminal, or one line from a pipe. */
async function readPassword(prompt: string): Promise<string> {
  const { stdin, stdout } = process;
  if (!stdin.isTTY) {
    const rl = createInterface({ input: stdin });
    for await (const line of rl) return line;
    return '';
  }
  stdout.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve) => {
    let typed = '';
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          stdout.write('\n');
          return resolve(typed);
        }
        if (char === '\u0003') process.exit(130);
        typed = char === '\u007f' ? typed.slice(0, -1) : typed + char;
      }
    };
    stdin.on('data', onData);
  });
}

/** Who ran the command, for the audit row of each change it makes. */
function operator(): { by: string } {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // no account name on this system: the row still says it came from the command line
  }
  return { by: `the command line (OS user ${name})` };
}

function requiredArg(what: string, usage: string): string {
  const value = args[0]?.trim();
  if (!value) throw new CareDeskError('validation', `give the ${what}: ${usage}`);
  return value;
}

/** `2026-03-01 09:30` (UTC), or `-` */
function when(iso: string | null): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : '-';
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
}

async function withCentral<T>(work: (central: OpenedCentral) => Promise<T>): Promise<T> {
  const central = await openCentral({ dataDir });
  try {
    return await work(central);
  } finally {
    await central.close();
  }
}

const commands: Record<string, () => Promise<void>> = {
  async init() {
    if (existsSync(join(dataDir, DATA_FILES.database))) throw new CareDeskError('conflict', `${dataDir} is already initialised`);
    await withCentral(async (central) => {
      // on PostgreSQL (config.json `database`) there is no file: a database with users is initialised
      if (await central.db.selectFrom('users').select('id').limit(1).executeTakeFirst()) throw new CareDeskError('conflict', `${dataDir} is already initialised (its database has users)`);
      const password = generatePassword();
      await central.admin.addUser({ username: 'admin', displayName: 'Administrator', role: 'admin', password });
      const code = await central.admin.createEnrolmentCode();
      console.log(`initialised ${dataDir}`);
      console.log(`organisation CA: ${join(dataDir, DATA_FILES.caCert)} (sha256 ${certificateFingerprint(central.tls.caPem)})`);
      console.log(`first administrator: admin / ${password}   (shown once: keep it safe)`);
      console.log(`enrolment code: ${code}   (1 workstation, 24 hours)`);
    });
  },

  async 'add-user'() {
    const role = Role.safeParse(options.role);
    if (!options.username || !options['display-name'] || !role.success) {
      throw new CareDeskError('validation', `give --username, --display-name and --role (${ROLES.join(', ')})`);
    }
    const password = options.password ?? (await readPassword(`password for ${options.username}: `));
    await withCentral(async (central) => {
      const user = await central.admin.addUser({ username: options.username!, displayName: options['display-name']!, role: role.data, password });
      console.log(`added ${user.username} (${user.role}) id ${user.id}`);
    });
  },

  async 'enrolment-code'() {
    const uses = numberOption('uses', options.uses) ?? 1;
    const hours = numberOption('hours', options.hours) ?? 24;
    await withCentral(async (central) => {
      const { code, expiresAt } = await central.admin.issueEnrolmentCode({ uses, hours }, operator());
      console.log(`enrolment code: ${code}   (${uses} use(s), ${hours} hours, until ${when(expiresAt)} UTC)`);
    });
  },

  async 'list-devices'() {
    await withCentral(async (central) => {
      const devices = await central.admin.listDevices();
      if (!devices.length) return console.log('no workstation is enrolled');
      printTable(
        ['id', 'name', 'enrolled (UTC)', 'last sign-in (UTC)', 'revoked (UTC)'],
        devices.map((d) => [d.id, d.name, when(d.enrolledAt), when(d.lastSignInAt), when(d.revokedAt)]),
      );
    });
  },

  async 'revoke-device'() {
    const id = requiredArg('device id (see list-devices)', 'revoke-device ID');
    await withCentral(async (central) => {
      const { device, changed, sessionsEnded } = await central.admin.revokeDevice(id, operator());
      if (!changed) return console.log(`device ${device.id} (${device.name}) was already revoked at ${when(device.revokedAt)} UTC; nothing changed`);
      console.log(`revoked device ${device.id} (${device.name}): ${sessionsEnded} live session(s) ended`);
      console.log('a connected workstation wipes its caches and keys within seconds; an offline one at its next contact');
    });
  },

  async 'disable-user'() {
    const username = requiredArg('username', 'disable-user USERNAME');
    await withCentral(async (central) => {
      const { user, changed, sessionsEnded } = await central.admin.disableUser((await central.admin.userNamed(username)).id, operator());
      if (!changed) return console.log(`${user.username} was already disabled; nothing changed`);
      console.log(`disabled ${user.username} (${user.role}): ${sessionsEnded} live session(s) ended`);
      console.log(`workstations wipe ${user.username}'s cache within seconds when connected, otherwise at their next contact`);
    });
  },

  async 'enable-user'() {
    const username = requiredArg('username', 'enable-user USERNAME');
    await withCentral(async (central) => {
      const { user, changed } = await central.admin.enableUser((await central.admin.userNamed(username)).id, operator());
      if (!changed) return console.log(`${user.username} is already active; nothing changed`);
      console.log(`enabled ${user.username} (${user.role}): they may sign in again`);
    });
  },

  async 'list-lockouts'() {
    await withCentral(async (central) => {
      const lockouts = await central.admin.listLockouts(operator());
      if (!lockouts.length) return console.log('no username is locked');
      printTable(
        ['username', 'role', 'locked (UTC)', 'until (UTC)', 'wrong passwords', 'wrong codes'],
        lockouts.map((l) => [l.username, l.role ?? '(no such user)', when(l.lockedAt), when(l.lockedUntil), String(l.failures.password), String(l.failures.code)]),
      );
    });
  },

  // ---- the administrator's operations (issue 14): the same central functions as the console's admin.* operations
  async 'list-users'() {
    await withCentral(async (central) => {
      const { users, teams } = await central.admin.staffDirectory(operator());
      const teamName = (id: string | null) => teams.find((t) => t.id === id)?.name ?? '-';
      printTable(
        ['username', 'role', 'status', 'team', 'last active (UTC)', 'desks (pending edits)'],
        users.map((u) => [u.username, u.role, u.status, teamName(u.teamId), when(u.lastActiveAt), u.desks.map((d) => `${d.deviceName}${d.revoked ? ' (revoked)' : ''}: ${d.pending}`).join(', ') || '-']),
      );
    });
  },

  async 'lift-lockout'() {
    const username = requiredArg('username', 'lift-lockout USERNAME');
    await withCentral(async (central) => {
      if (await central.admin.liftLockout(username, operator())) console.log(`lifted the lockout of ${username}: they may sign in again`);
      else console.log(`${username} is not locked; nothing changed`);
    });
  },

  async 'reset-second-factor'() {
    const username = requiredArg('username', 'reset-second-factor USERNAME');
    await withCentral(async (central) => {
      const user = await central.admin.userNamed(username);
      if (await central.admin.resetSecondFactor(user.id, operator())) console.log(`reset ${user.username}'s second factor: they enrol a new one at their next sign-in`);
      else console.log(`${user.username} has no second factor; nothing changed`);
    });
  },

  async 'change-role'() {
    const username = requiredArg('username', 'change-role USERNAME --role R');
    const role = Role.safeParse(options.role);
    if (!role.success) throw new CareDeskError('validation', `give --role (${ROLES.join(', ')})`);
    await withCentral(async (central) => {
      const { user, changed, sessionsEnded } = await central.admin.changeRole((await central.admin.userNamed(username)).id, role.data, operator());
      if (!changed) return console.log(`${user.username} is already ${user.role}; nothing changed`);
      console.log(`${user.username} is now ${user.role}: ${sessionsEnded} live session(s) ended; their desks wipe the old role's cache`);
    });
  },

  async 'reset-password'() {
    const username = requiredArg('username', 'reset-password USERNAME');
    await withCentral(async (central) => {
      const { user, temporaryPassword } = await central.admin.resetPassword((await central.admin.userNamed(username)).id, operator());
      console.log(`new password for ${user.username}: ${temporaryPassword}   (shown once: hand it over safely)`);
    });
  },

  async 'create-team'() {
    if (!options.name) throw new CareDeskError('validation', 'give --name');
    await withCentral(async (central) => {
      const leads = options.lead ? [(await central.admin.userNamed(options.lead)).id] : [];
      const team = await central.admin.saveTeam({ name: options.name!, leads }, operator());
      console.log(`team ${team.name} (${team.id}) with ${team.leads.length} lead(s)`);
    });
  },

  async 'assign-team'() {
    const username = requiredArg('username', 'assign-team USERNAME --team NAME');
    if (options.team === undefined) throw new CareDeskError('validation', 'give --team NAME ("" for none)');
    await withCentral(async (central) => {
      const { teams } = await central.admin.staffDirectory(operator());
      const team = options.team ? teams.find((t) => t.name === options.team) : null;
      if (team === undefined) throw new CareDeskError('not_found', `no team named ${options.team}`);
      const { user, changed } = await central.admin.assignTeam((await central.admin.userNamed(username)).id, team?.id ?? null, operator());
      console.log(changed ? `${user.username} is now in ${team?.name ?? 'no team'}` : `${user.username} was already there; nothing changed`);
    });
  },

  async 'session-policy'() {
    const idle = numberOption('idle-minutes', options['idle-minutes']);
    const offline = numberOption('max-offline-hours', options['max-offline-hours']);
    await withCentral(async (central) => {
      let policy = await central.admin.sessionPolicy();
      if (idle !== undefined || offline !== undefined) {
        policy = await central.admin.setSessionPolicy(parseOrThrow(SessionPolicy, { idleLockMinutes: idle ?? policy.idleLockMinutes, maxOfflineHours: offline ?? policy.maxOfflineHours }), operator());
      }
      console.log(`idle lock ${policy.idleLockMinutes} min, maximum offline ${policy.maxOfflineHours} h`);
    });
  },

  async 'disable-inactive'() {
    await withCentral(async (central) => {
      const { disabled, kept } = await central.admin.disableInactiveUsers();
      console.log(`disabled ${disabled.length} account(s) without a sign-in for ${INACTIVITY_DISABLE_DAYS} days${disabled.length ? `: ${disabled.map((u) => u.username).join(', ')}` : ''}`);
      if (kept.length) console.log(`kept the last active administrator, inactive too: ${kept.join(', ')}`);
    });
  },

  async 'seed-demo'() {
    const count = numberOption('count', args[0]);
    if (count === undefined || !Number.isInteger(count) || count < 1) throw new CareDeskError('validation', 'give the number of customers: seed-demo N');
    const started = performance.now();
    await withCentral(async (central) => {
      const summary = await central.admin.seedDemo(count, {
        seed: numberOption('seed', options.seed),
        historyMonths: numberOption('history-months', options['history-months']),
        onProgress: (done, total) => console.log(`  ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} customers`),
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`seeded ${summary.customers} customers, ${summary.leads} leads, ${summary.inquiries} inquiries (${summary.records} records, ${summary.cards} cards in the vault, seed ${summary.seed}) in ${seconds} s`);
    });
  },

  async 'demo-users'() {
    await withCentral(async (central) => {
      for (const user of await central.admin.seedDemoUsers()) {
        console.log(`${user.username.padEnd(15)} ${user.role.padEnd(14)} ${user.password ?? '(exists, unchanged)'}`);
      }
    });
  },

  async 'verify-audit'() {
    await withCentral(async (central) => {
      const { ok, chain, checkpoints } = await central.admin.verifyAuditAgainstCheckpoints(options.checkpoints);
      if (chain.ok) console.log(`audit log intact: ${chain.rows} rows`);
      else console.log(`audit log BROKEN at row ${chain.firstBadSeq} (checked ${chain.rows} rows)`);
      const latest = checkpoints.latest ? `; the newest in force signs row ${checkpoints.latest.seq} at ${checkpoints.latest.at}` : '';
      console.log(`${checkpoints.checkpoints} signed checkpoint(s), ${checkpoints.restores} restore(s)${latest}`);
      for (const p of checkpoints.problems) console.log(`CHECKPOINT ${p.rule}: ${p.message}`);
      if (!ok) process.exitCode = 1;
    });
  },

  async 'audit-checkpoint'() {
    await withCentral(async (central) => {
      const c = await central.admin.checkpointAudit();
      console.log(`checkpoint of row ${c.seq} signed (key ${c.keyId}) and written to ${central.auditCheckpoints.file}${central.auditCheckpoints.url ? ` and ${central.auditCheckpoints.url}` : ''}`);
    });
  },

  async 'rotate-master-key'() {
    await withCentral(async (central) => {
      const started = performance.now();
      const summary = await central.admin.rotateMasterKey();
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`card master key is now ${summary.newKeyId}: ${summary.rewrapped} data keys wrapped again in ${seconds} s`);
      if (summary.retired.length) console.log(`retired and removed from the key file: ${summary.retired.join(', ')}`);
    });
  },

  async backup() {
    if (!options.to) throw new CareDeskError('validation', 'give --to FILE: where the copy of the database goes');
    await withCentral(async (central) => {
      await backupTo(central.db, options.to!);
      console.log(`database copied to ${options.to}`);
      console.log('not in it, to back up apart: the pepper, the card master keys, the CA and its key, and the erasure ledger (see central/README.md)');
    });
  },

  async restore() {
    // SQLite: --from names the backup; PostgreSQL: the database was restored with its own tools, and this re-applies the ledger
    const reapplied = await restoreDatabase(dataDir, options.from ?? null);
    console.log(`database ${options.from ? `restored from ${options.from}` : 'as restored'}; ${reapplied} erasure(s) from the ledger applied again`);
    console.log('the store has a new generation: each workstation syncs again from the start at its next contact, keeping its unsent changes');
  },

  async 'purge-retained'() {
    await withCentral(async (central) => {
      const { purged, requests, unreadable } = await purgeRetained(central.context);
      console.log(`purged ${purged} retained record(s) whose retention ended, from ${requests.length} erasure(s)`);
      const leads = await purgeStaleLeads(central.context);
      console.log(`purged ${leads.purged} lead(s) never converted, older than ${central.context.leadRetentionDays} days`);
      if (unreadable.length) {
        console.error(`kept ${unreadable.length} retained record(s) whose retain-until is not a time; check them: ${unreadable.map((r) => `${r.entity} ${r.id}`).join(', ')}`);
        process.exitCode = 1;
      }
    });
  },

  async 'ingest-mail'() {
    await withCentral(async (central) => {
      const dir = options.from ?? central.mailDrop?.dir;
      if (!dir) throw new CareDeskError('validation', 'give --from DIR: a folder of .eml files or a Maildir (or name mailDrop in config.json)');
      const run = await ingestMailDrop(central.context, dir);
      console.log(describeRun(run) || 'no message waiting');
      // a refused message is dealt with (moved to failed/, its reason beside it); one the store could not take is not
      if (run.failed.length) process.exitCode = 1;
    });
  },

  // privacy-policy versions (issue 14): the functions the admin's console calls
  async 'publish-policy'() {
    const file = options['changes-file'];
    const changes = file ? readFileSync(file, 'utf8') : options.changes;
    if (changes === undefined) throw new CareDeskError('validation', 'give --changes TEXT or --changes-file FILE: what changed in this version');
    await withCentral(async (central) => {
      const published = await central.policy.publish({ changes }, commandLine(operator().by));
      console.log(`published privacy-policy version ${published.version}: every staff user acknowledges it at their next sign-in`);
    });
  },

  async 'policy-versions'() {
    await withCentral(async (central) => {
      const { versions } = await central.policy.list(commandLine(operator().by));
      if (!versions.length) return console.log('no privacy-policy version is published');
      printTable(
        ['version', 'published (UTC)', 'by', 'acknowledged', 'a later one', 'not yet'],
        versions.map((v) => [String(v.version), when(v.publishedAt), v.publishedBy, String(v.acknowledged.length), String(v.acknowledgedLater.length), v.notYet.map((u) => u.username).join(', ') || '-']),
      );
    });
  },

  async serve() {
    const enrolmentPort = numberOption('enrolment-port', options['enrolment-port']);
    const drainSeconds = numberOption('drain-seconds', options['drain-seconds']) ?? 0;
    const opsPort = numberOption('ops-port', options['ops-port'] ?? process.env.CAREDESK_OPS_PORT);
    const ops = { ...(opsPort === undefined ? {} : { port: opsPort }), ...(options['ops-host'] ? { host: options['ops-host'] } : {}) };
    // serve always logs (at info, to stdout, unless told otherwise); the command line's fields over config.json's
    const log = parseOrThrow(LogConfig, { ...(options['log-level'] ? { level: options['log-level'] } : {}), ...(options['log-file'] ? { file: resolve(options['log-file']) } : {}) });
    const store = await startCentralStore({ dataDir, host: options.host, port: numberOption('port', options.port) ?? 8443, ...(enrolmentPort === undefined ? {} : { enrolmentPort }), drainMs: drainSeconds * 1000, ops, log });
    console.log(`CareDesk central store listening on ${store.url} (enrolled devices) and ${store.enrolmentUrl} (enrolment)${store.opsUrl ? `; metrics and probes on ${store.opsUrl}` : ''}`);
    const stop = () => void store.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  },
};

async function main(): Promise<void> {
  const run = command ? commands[command] : undefined;
  if (options.help || !run) {
    console.log(USAGE);
    if (!options.help) process.exitCode = 2;
    return;
  }
  try {
    await run();
  } catch (err) {
    if (!(err instanceof CareDeskError)) throw err;
    console.error(`error: ${err.message}`);
    for (const issue of err.issues) console.error(`  ${issue.field}: ${issue.message} (${issue.rule})`);
    process.exitCode = 1;
  }
}

await main();
