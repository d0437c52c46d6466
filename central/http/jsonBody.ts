import type { FastifyInstance } from 'fastify';
import { CareDeskError, LIMITS } from '../../domain';

/**
 * The store's JSON body parser. Before anything is built from the text, one pass counts how deeply
 * objects and arrays nest, and a body deeper than LIMITS.maxJsonDepth is refused (`json.depth`):
 * a few KB of `[[[[` would otherwise reach code that walks values by recursion, and every handler
 * would have to defend itself. Then Fastify's own parser, which refuses `__proto__` and
 * `constructor.prototype` keys. The size limit (`bodyLimit`) applies before either runs.
 */
export function parseJsonBodies(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string; // parseAs: 'string'
    if (nestsDeeperThan(text, LIMITS.maxJsonDepth)) {
      done(
        new CareDeskError('validation', `the request body nests deeper than ${LIMITS.maxJsonDepth} levels`, [
          { field: '(body)', rule: 'json.depth', message: `objects and arrays may nest ${LIMITS.maxJsonDepth} levels deep at most` },
        ]),
        undefined,
      );
      return;
    }
    parse(request, text, done);
  });
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
