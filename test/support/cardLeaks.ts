import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { luhnCheckDigit } from '../../domain/validation/card';

/** A Luhn-valid test card number of 16 digits starting with `prefix`, unlike any demo card. */
export function testCardNumber(prefix: string): string {
  const partial = prefix.padEnd(15, '7').slice(0, 15);
  return partial + luhnCheckDigit(partial);
}

/** Every spelling of a card number that must never be found: the digits, in groups of 4 with spaces or dashes. */
export function spellings(pan: string): string[] {
  const groups = pan.match(/.{1,4}/g)!;
  return [pan, groups.join(' '), groups.join('-')];
}

/** Which of `needles` occur in any of `files` (raw bytes), their SQLite companions (-wal, -shm, -journal) included. */
export function foundInFiles(files: string[], needles: string[]): string[] {
  const contents = files.flatMap((f) => [f, `${f}-wal`, `${f}-shm`, `${f}-journal`]).filter((f) => existsSync(f)).map((f) => readFileSync(f));
  return needles.filter((n) => contents.some((bytes) => bytes.includes(Buffer.from(n, 'utf8'))));
}

/** Every file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Which of `needles` occur in `texts`. */
export function foundInTexts(texts: readonly string[], needles: string[]): string[] {
  return needles.filter((n) => texts.some((t) => t.includes(n)));
}
