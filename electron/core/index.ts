import { CareDeskError } from '../../domain/errors';
import { createDispatcher, type Dispatch } from './api/dispatch';
import { createHandlerTable } from './api/handlers';
import type { WorkstationConfig } from './config';
import { openOsKeychain, type Keychain } from './keychain';
import { CoreEvents } from './session/events';
import { Session } from './session/session';
import { Vault } from './vault';

export type { WorkstationConfig } from './config';

export interface WorkstationCore {
  /** the console API: what `window.caredesk.invoke(channel, input)` reaches */
  dispatch: Dispatch;
  /** events for the renderer (`window.caredesk.on(event, listener)`) */
  events: CoreEvents;
  session: Session;
  close(): Promise<void>;
}

/**
 * Builds the workstation core: the same object the Electron main process and the e2e test host
 * create (DESIGN §6). Without an OS keychain it still starts, but says why no cache can exist
 * and refuses to sign in (DESIGN §4: no silent fallback to a weaker key store).
 */
export async function createWorkstationCore(config: WorkstationConfig, options: { keychain?: Keychain } = {}): Promise<WorkstationCore> {
  const clock = config.clock ?? (() => new Date());
  const events = new CoreEvents();
  let keychain: Keychain | null = options.keychain ?? null;
  let blocker: string | null = null;
  if (!keychain) {
    try {
      keychain = await openOsKeychain(config.keychainService);
    } catch (err) {
      if (!(err instanceof CareDeskError) || err.code !== 'no_keychain') throw err;
      blocker = err.message;
    }
  }
  const vault = keychain ? new Vault({ dataDir: config.dataDir, keychain, ...(config.kdf ? { kdf: config.kdf } : {}) }) : null;
  const session = new Session({ config, keychain, blocker, vault, events, clock });
  await session.init();
  const dispatch = createDispatcher(createHandlerTable(session), {
    requireUnlocked: () => void session.unlocked(),
    touch: () => session.touch(),
  });
  return { dispatch, events, session, close: () => session.close() };
}
