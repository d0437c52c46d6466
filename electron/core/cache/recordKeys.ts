/**
 * Integer keys for the record indexes. A 53-bit hash sorts several times faster than the text of
 * (entity, id) when a first sync builds its indexes, and its index is a fraction of the size.
 * Two keys may collide; every lookup compares the text too, so a collision costs a row, not a bug.
 */
export function recordKeyHash(entity: string, id: string): number {
  return hash53(`${entity}\u0000${id}`);
}

export function customerKeyHash(customerId: string): number {
  return hash53(customerId);
}

/** Two 32-bit FNV-1a style lanes with different primes, folded into a non-negative 53-bit integer. */
function hash53(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 0) * 0x200000 + (b >>> 11);
}
