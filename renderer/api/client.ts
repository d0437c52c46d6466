import type { Channel, ChannelInput, ChannelOutput, ConsoleEvent, EventPayload, InvokeResult } from '../../domain/console/contract';
import { fromErrorBody, type CareDeskError, type ErrorBody } from '../../domain/errors';

/**
 * The renderer's only door to the workstation: `window.caredesk`, as the preload exposes it
 * (invoke on a contract channel, subscribe to a contract event). Typed from the one contract in
 * domain/console, so a call that does not fit the contract does not compile.
 */
export interface CareDeskBridge {
  invoke(channel: string, input: unknown): Promise<InvokeResult<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    caredesk?: CareDeskBridge;
  }
}

function bridge(): CareDeskBridge {
  if (!window.caredesk) throw new Error('The console API is missing: CareDesk must be opened in its own window.');
  return window.caredesk;
}

export type ConsoleError = CareDeskError;

/** Calls `channel`; resolves with its output or rejects with a CareDeskError naming the code and the field issues. */
export async function invoke<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
  const result = await bridge().invoke(channel, input);
  if (!result.ok) throw fromErrorBody(result.error as ErrorBody);
  return result.value as ChannelOutput<C>;
}

export function onEvent<E extends ConsoleEvent>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return bridge().on(event, listener as (payload: unknown) => void);
}

/** A message fit for the rep, from whatever a call threw. */
export function messageOf(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err && typeof err.message === 'string') return err.message;
  return 'Something went wrong.';
}

export function codeOf(err: unknown): string | null {
  return err && typeof err === 'object' && 'code' in err && typeof err.code === 'string' ? err.code : null;
}
