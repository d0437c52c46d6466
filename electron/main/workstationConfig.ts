import { existsSync, readFileSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, posix, resolve, win32 } from 'node:path';
import { z } from 'zod';

/**
 * Where the central store is, which CA to pin, and whether and from where the desk updates itself.
 * Nothing in it is secret; secrets live in the OS keychain.
 *
 * An installer or MDM puts it in one machine-wide file that users cannot write. Where that file
 * exists it is the whole configuration: a file in the user's own profile could otherwise switch
 * updates off, or point the desk at another server and CA. Without it, `workstation.json` in the
 * app's data folder names the server, and updates stay off. In development (an unpackaged app)
 * CAREDESK_WORKSTATION_CONFIG names the file instead, and wins.
 */
const https = z.url({ protocol: /^https$/ });
const pinnedCa = {
  /** a CA: inline PEM, or a path to it (relative to the file) */
  caPem: z.string().includes('BEGIN CERTIFICATE').optional(),
  caFile: z.string().min(1).optional(),
};

export const WorkstationFile = z.strictObject({
  serverUrl: https,
  /** the store's enrolment listener, when it is not on the API's port + 1 */
  enrolmentUrl: https.optional(),
  ...pinnedCa,
  enrolmentCode: z.string().min(8).max(100).optional(),
  deviceName: z.string().min(1).max(100).optional(),
});
export type WorkstationFile = z.infer<typeof WorkstationFile>;

/**
 * Only the machine-wide file may say anything about updates. It never carries an enrolment code:
 * the same file goes to every desk, and a code in it would enrol any machine that got a copy. Each
 * desk enrols with a code of its own, typed at first start (README, "For the IT admin").
 */
export const MachineWorkstationFile = WorkstationFile.omit({ enrolmentCode: true }).extend({
  updates: z
    .strictObject({
      enabled: z.boolean(),
      /** the provider's update server (electron-updater's generic provider): latest.yml and the installers */
      url: https.optional(),
      /** the CA the update server's certificate must chain to; by default the one pinned for the central store */
      ...pinnedCa,
    })
    .refine((updates) => !updates.enabled || updates.url, { message: 'updates.url is needed when updates are enabled', path: ['url'] })
    .optional(),
});

export interface ResolvedWorkstationFile {
  serverUrl: string;
  enrolmentUrl?: string;
  caPem: string;
  enrolmentCode?: string;
  deviceName?: string;
}

export type UpdateSettings = { enabled: true; url: string; caPem: string } | { enabled: false; reason: string };

export interface WorkstationConfig extends ResolvedWorkstationFile {
  /** the file it came from, for messages */
  file: string;
  updates: UpdateSettings;
}

/** The machine-wide file: fixed per platform, never taken from the environment (the user sets that). */
export function machineConfigPath(platform: NodeJS.Platform): string {
  if (platform === 'win32') return win32.join('C:\\ProgramData', 'CareDesk', 'workstation.json');
  if (platform === 'darwin') return posix.join('/Library/Application Support', 'CareDesk', 'workstation.json');
  return posix.join('/etc/caredesk', 'workstation.json');
}

/** The user-level file: CAREDESK_WORKSTATION_CONFIG, else `workstation.json` in the app data folder. */
export function configPath(env: NodeJS.ProcessEnv, userDataDir: string): string {
  return env.CAREDESK_WORKSTATION_CONFIG ? resolve(env.CAREDESK_WORKSTATION_CONFIG) : resolve(userDataDir, 'workstation.json');
}

export interface ConfigFiles {
  /** null in development with CAREDESK_WORKSTATION_CONFIG set */
  machine: string | null;
  user: string;
}

export function configFiles(options: { platform: NodeJS.Platform; env: NodeJS.ProcessEnv; userDataDir: string; packaged: boolean }): ConfigFiles {
  const { platform, env, userDataDir, packaged } = options;
  if (!packaged && env.CAREDESK_WORKSTATION_CONFIG) return { machine: null, user: configPath(env, userDataDir) };
  return { machine: machineConfigPath(platform), user: resolve(userDataDir, 'workstation.json') };
}

/**
 * On Linux and macOS a machine-wide file (and its folder) must belong to root and be writable by
 * no one else, or a user could have written it. On Windows the installer restricts its folder
 * (build/installer.nsh), which Node cannot check.
 */
export function writableOnlyByRoot(stats: Pick<Stats, 'uid' | 'mode'>): boolean {
  return stats.uid === 0 && (stats.mode & 0o022) === 0;
}

export function loadWorkstationConfig(
  files: ConfigFiles,
  options: { platform: NodeJS.Platform; trusted?: (stats: Stats) => boolean } = { platform: process.platform },
): WorkstationConfig {
  const { machine } = files;
  if (machine && existsSync(machine)) {
    const trusted = options.trusted ?? writableOnlyByRoot;
    if (options.platform !== 'win32') {
      for (const path of [machine, dirname(machine)]) {
        if (!trusted(statSync(path))) throw new Error(`${path} may be written by users other than root: CareDesk takes no configuration from it`);
      }
    }
    return readMachineFile(machine);
  }
  const reason = machine ? `updates are switched on only in ${machine}` : 'updates are off in development';
  return { file: files.user, ...readWorkstationFile(files.user), updates: { enabled: false, reason } };
}

function parse<T extends z.ZodType>(schema: T, file: string): z.infer<T> {
  const result = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) =>
    issue.code === 'unrecognized_keys' && issue.keys.includes('updates')
      ? 'updates can be set only in the machine-wide configuration'
      : issue.code === 'unrecognized_keys' && issue.keys.includes('enrolmentCode')
        ? 'enrolmentCode does not belong in the machine-wide configuration: each desk enrols with a short-lived code of its own'
        : `${issue.path.join('.') || '(file)'}: ${issue.message}`,
  );
  throw new Error(`${file}: ${issues.join('; ')}`);
}

function readCa(file: string, ca: { caPem?: string | undefined; caFile?: string | undefined }): string | null {
  if (ca.caPem) return ca.caPem;
  return ca.caFile ? readFileSync(isAbsolute(ca.caFile) ? ca.caFile : resolve(dirname(file), ca.caFile), 'utf8') : null;
}

function resolved(file: string, parsed: WorkstationFile): ResolvedWorkstationFile {
  const caPem = readCa(file, parsed);
  if (!caPem) throw new Error(`${file}: give the organisation CA as caPem or caFile`);
  return {
    serverUrl: parsed.serverUrl,
    ...(parsed.enrolmentUrl ? { enrolmentUrl: parsed.enrolmentUrl } : {}),
    caPem,
    ...(parsed.enrolmentCode ? { enrolmentCode: parsed.enrolmentCode } : {}),
    ...(parsed.deviceName ? { deviceName: parsed.deviceName } : {}),
  };
}

/** A user-level file: the central store and its CA; it cannot say anything about updates. */
export function readWorkstationFile(file: string): ResolvedWorkstationFile {
  return resolved(file, parse(WorkstationFile, file));
}

function readMachineFile(file: string): WorkstationConfig {
  const { updates, ...rest } = parse(MachineWorkstationFile, file);
  const workstation = resolved(file, rest);
  if (!updates?.enabled || !updates.url) return { file, ...workstation, updates: { enabled: false, reason: `updates are switched off in ${file}` } };
  return { file, ...workstation, updates: { enabled: true, url: updates.url, caPem: readCa(file, updates) ?? workstation.caPem } };
}
