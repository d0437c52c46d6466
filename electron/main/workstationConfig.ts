import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/**
 * Where the central store is and which CA to pin, as IT (or `npm start`) provides it: a JSON file
 * named by CAREDESK_WORKSTATION_CONFIG, else `workstation.json` in the app's data folder. Nothing
 * in it is secret; secrets live in the OS keychain.
 */
export const WorkstationFile = z.strictObject({
  serverUrl: z.url({ protocol: /^https$/ }),
  /** the organisation CA: inline PEM, or a path to it (relative to the file) */
  caPem: z.string().includes('BEGIN CERTIFICATE').optional(),
  caFile: z.string().min(1).optional(),
  enrolmentCode: z.string().min(8).max(100).optional(),
  deviceName: z.string().min(1).max(100).optional(),
});
export type WorkstationFile = z.infer<typeof WorkstationFile>;

export interface ResolvedWorkstationFile {
  serverUrl: string;
  caPem: string;
  enrolmentCode?: string;
  deviceName?: string;
}

export function configPath(env: NodeJS.ProcessEnv, userDataDir: string): string {
  return env.CAREDESK_WORKSTATION_CONFIG ? resolve(env.CAREDESK_WORKSTATION_CONFIG) : resolve(userDataDir, 'workstation.json');
}

export function readWorkstationFile(file: string): ResolvedWorkstationFile {
  const parsed = WorkstationFile.parse(JSON.parse(readFileSync(file, 'utf8')));
  const caPem = parsed.caPem ?? (parsed.caFile ? readFileSync(isAbsolute(parsed.caFile) ? parsed.caFile : resolve(dirname(file), parsed.caFile), 'utf8') : null);
  if (!caPem) throw new Error(`${file}: give the organisation CA as caPem or caFile`);
  return {
    serverUrl: parsed.serverUrl,
    caPem,
    ...(parsed.enrolmentCode ? { enrolmentCode: parsed.enrolmentCode } : {}),
    ...(parsed.deviceName ? { deviceName: parsed.deviceName } : {}),
  };
}
