import { CONSOLE_CONTRACT, type Channel, type ChannelOutput, type InvokeResult, type ParsedInput } from '../../../domain/console/contract';
import { CareDeskError, parseOrThrow, toErrorBody } from '../../../domain/errors';

export type HandlerTable = { [C in Channel]: (input: ParsedInput<C>) => Promise<ChannelOutput<C>> };

export interface DispatchHooks {
  /** throws unless a session is unlocked (for channels that need one) */
  requireUnlocked: () => void;
  /** counts the call as activity for the idle lock */
  touch: () => void;
}

/**
 * The one entry point for console calls, used by Electron's IPC handler and by the e2e test host
 * alike: unknown channels are refused, every input is parsed with its contract schema, locked
 * sessions are refused, and errors return as plain bodies naming the field and the rule.
 */
export function createDispatcher(handlers: HandlerTable, hooks: DispatchHooks) {
  return async function dispatch(channel: unknown, input: unknown): Promise<InvokeResult<unknown>> {
    try {
      if (typeof channel !== 'string' || !Object.hasOwn(CONSOLE_CONTRACT, channel)) {
        throw new CareDeskError('not_found', `unknown console channel ${JSON.stringify(String(channel)).slice(0, 80)}`);
      }
      const spec = CONSOLE_CONTRACT[channel as Channel];
      const parsed = parseOrThrow(spec.input, input ?? {});
      if (spec.unlocked) hooks.requireUnlocked();
      if (!('passive' in spec)) hooks.touch();
      const handler = handlers[channel as Channel] as (input: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(parsed) };
    } catch (err) {
      return { ok: false, error: toErrorBody(err) };
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;
