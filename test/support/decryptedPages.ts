import { createCipheriv } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

/**
 * Every page of an encrypted cache file and of its WAL, decrypted, free pages and free space inside pages included:
 * what a test scans for values that must be gone (issue 11). SQLite3MC's own re-key to plaintext
 * cannot serve, because dropping the cipher's reserved bytes makes it VACUUM the file, which drops
 * the free space a scan must read. This follows SQLite3MC's ChaCha20-Poly1305 page format (cipher
 * `chacha20`, raw 32-byte key, not legacy): the last 32 bytes of a page are a 16-byte nonce and a
 * 16-byte tag; a one-time key comes from ChaCha20(key, nonce[0..12], counter = LE32(nonce[12..16]) ^
 * page) and the page is ChaCha20(otk[32..64], nonce, counter + 1); page 1 keeps its first 24 bytes
 * (salt, then header fields) as they are. The tag is not checked: a scan reads, it does not trust.
 */
export function decryptedPages(file: string, key: Buffer, pageSize = 4096): Buffer {
  const bytes = readFileSync(file);
  const pages: Buffer[] = [];
  for (let page = 1; page * pageSize <= bytes.length; page++) pages.push(decryptPage(bytes.subarray((page - 1) * pageSize, page * pageSize), page, key));
  // the WAL: a 32-byte header, then frames of a 24-byte header (page number first, big-endian) and a page
  if (existsSync(`${file}-wal`)) {
    const wal = readFileSync(`${file}-wal`);
    for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) pages.push(decryptPage(wal.subarray(at + 24, at + 24 + pageSize), wal.readUInt32BE(at), key));
  }
  return Buffer.concat(pages);
}

function decryptPage(data: Buffer, page: number, key: Buffer): Buffer {
  const n = data.length - 32;
  const nonce = data.subarray(n, n + 16);
  const counter = (nonce.readUInt32LE(12) ^ page) >>> 0;
  const otk = chacha20(key, counter, nonce, Buffer.alloc(64));
  return chacha20(otk.subarray(32), (counter + 1) >>> 0, nonce, data.subarray(page === 1 ? 24 : 0, n));
}

function chacha20(key: Buffer, counter: number, nonce: Buffer, data: Buffer): Buffer {
  // Node's chacha20 takes a 16-byte IV: the 32-bit block counter (little-endian), then the 12-byte nonce
  const iv = Buffer.alloc(16);
  iv.writeUInt32LE(counter, 0);
  nonce.copy(iv, 4, 0, 12);
  const cipher = createCipheriv('chacha20', key, iv);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}
