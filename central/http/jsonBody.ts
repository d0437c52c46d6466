import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { CareDeskError, LIMITS } from '../../domain';

/**
 * The store's JSON body parser. Before anything is built from the text, one pass counts how deeply
 * objects and arrays nest, and a body deeper than LIMITS.maxJsonDepth is refused (`json.depth`):
 * a few KB of `[[[[` would otherwise reach code that walks values by recursion, and every handler
 * would have to defend itself. Then the parser Fastify itself uses (secure-json-parse), which
 * refuses `__proto__` and `constructor.prototype` keys anywhere in the body: such a body is refused
 * whole, naming the rule (`json.prototype_key`). The size limit (`bodyLimit`) applies before either
 * runs; an empty body is not JSON.
 */
export function parseJsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string; // parseAs: 'string'
    if (nestsDeeperThan(text, LIMITS.maxJsonDepth)) {
      done(refusal(`the request body nests deeper than ${LIMITS.maxJsonDepth} levels`, 'json.depth', `objects and arrays may nest ${LIMITS.maxJsonDepth} levels deep at most`), undefined);
      return;
    }
    let value: unknown;
    try {
      value = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch (err) {
      // the parser's message may quote the body, which may hold a card number: never echo it
      done(
        /prototype property/.test((err as Error).message)
          ? refusal('the request body holds a "__proto__" or "constructor.prototype" key; it was refused whole', 'json.prototype_key', 'keys named __proto__, or constructor holding prototype, are refused')
          : refusal('the request body is not valid JSON', 'json', 'not valid JSON'),
        undefined,
      );
      return;
    }
    done(null, value);
  });
}

function refusal(message: string, rule: string, detail: string): CareDeskError {
  return new CareDeskError('validation', message, [{ field: '(body)', rule, message: detail }]);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x7b, 0x5b]); // { [
const CLOSE = new Set([0x7d, 0x5d]); // } ]

/** Whether JSON text nests objects and arrays deeper than `max`; brackets inside strings do not count. Exact for valid JSON, which is all that gets past the parser after it. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (OPEN.has(c)) {
      if (++depth > max) return true;
    } else if (CLOSE.has(c)) depth--;
  }
  return false;
}
