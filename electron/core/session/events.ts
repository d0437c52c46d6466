import type { ConsoleEvent, EventPayload } from '../../../domain/console/contract';

type Listener = <E extends ConsoleEvent>(event: E, payload: EventPayload<E>) => void;

/** The core's outgoing events, forwarded by the shell (or the test host) to the renderer. */
export class CoreEvents {
  private readonly listeners = new Set<Listener>();

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends ConsoleEvent>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) listener(event, payload);
  }
}
