import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

/**
 * The supported Node is the one package.json declares, the tests run on it, and every package the
 * lockfile installs accepts it: `npm install` prints no EBADENGINE. (The preflight installs that
 * Node where the machine has an older one; CI runs the README's test line, preflight first.)
 */
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { engines?: Record<string, string> | string[]; dev?: boolean; optional?: boolean }> };
const declared = (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines.node;

describe('the supported Node', () => {
  it('is the Node these tests run on', () => {
    expect(semver.satisfies(process.versions.node, declared), `Node ${process.versions.node} against engines ${declared}`).toBe(true);
  });

  it('is accepted by every package the lockfile installs', () => {
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, entry]) => {
        const range = entry.engines && !Array.isArray(entry.engines) ? entry.engines.node : undefined;
        return range && !semver.satisfies(process.versions.node, range, { includePrerelease: true }) ? [`${path} wants node ${range}`] : [];
      });
    expect(refusing).toEqual([]);
  });

  it('is not an end-of-life line: 24 LTS or newer', () => {
    expect(semver.minVersion(declared)!.major).toBeGreaterThanOrEqual(24);
  });
});
