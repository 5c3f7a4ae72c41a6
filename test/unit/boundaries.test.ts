import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'generated' || name === 'node_modules') return [];
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const imports = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);

describe('boundaries', () => {
  const core = sources(join(root, 'src')).filter((file) => !file.endsWith(join('src', 'main.ts')));

  it('the core imports no platform and no adapter (only src/main.ts wires them)', () => {
    const offending = core.flatMap((file) =>
      imports(file)
        .filter((spec) => /^@slack\/|^botbuilder|^@microsoft\/teams|(^|\/)adapters\//.test(spec))
        .map((spec) => `${relative(root, file)} → ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('only src/store talks to Prisma', () => {
    const offending = core
      .filter((file) => !relative(root, file).startsWith(join('src', 'store')))
      .flatMap((file) =>
        imports(file)
          .filter((spec) => /generated|@prisma\//.test(spec))
          .map((spec) => `${relative(root, file)} → ${spec}`),
      );
    expect(offending).toEqual([]);
  });

  it('the domain does no I/O', () => {
    const domain = core.filter((file) => relative(root, file).startsWith(join('src', 'domain')));
    const offending = domain.flatMap((file) =>
      imports(file)
        .filter((spec) => /^node:|^(pg|better-sqlite3|yaml|express|pino)$|\/store\//.test(spec))
        .map((spec) => `${relative(root, file)} → ${spec}`),
    );
    expect(offending).toEqual([]);
  });
});
