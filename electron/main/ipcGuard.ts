import type { InvokeResult } from '../../domain/console/contract';
import { APP_ORIGIN } from './windowOptions';

/** The part of Electron's IpcMainInvokeEvent the guard reads. */
export interface InvokeSender {
  senderFrame: { url: string; parent: unknown } | null;
}

/**
 * The main process never trusts the renderer (DESIGN §2): a call must come from the console's
 * own top frame on the app origin. A frame navigated elsewhere, an iframe, or a destroyed frame
 * gets nothing.
 */
export function isTrustedSender(event: InvokeSender, origin: string = APP_ORIGIN): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent) return false;
  try {
    const url = new URL(frame.url);
    return `${url.protocol}//${url.host}` === origin;
  } catch {
    return false;
  }
}

export type Dispatch = (channel: unknown, input: unknown) => Promise<InvokeResult<unknown>>;

/**
 * The one IPC handler: checks the sender, then hands the call to the core's dispatcher, which
 * refuses unknown channels, parses the input with the contract schema and checks the session.
 */
export function createInvokeHandler(dispatch: Dispatch, origin: string = APP_ORIGIN) {
  return async (event: InvokeSender, channel: unknown, input: unknown): Promise<InvokeResult<unknown>> => {
    if (!isTrustedSender(event, origin)) {
      return { ok: false, error: { code: 'forbidden', message: 'console calls are accepted only from the console window' } };
    }
    return dispatch(channel, input);
  };
}
