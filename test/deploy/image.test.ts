import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * No container daemon runs in CI, so the image is not built here (docs/operations.md says how it
 * was tried); these check the promises the Dockerfile and compose.yaml make.
 */
const root = resolve(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

describe('the Dockerfile', () => {
  const lines = read('Dockerfile')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'));
  const stages = lines.filter((line) => line.startsWith('FROM '));
  const final = lines.slice(lines.indexOf(stages.at(-1)!));

  it('builds in stages and runs the compiled tree as a non-root user, with a HEALTHCHECK', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(stages.at(-1)).toMatch(/^FROM \$\{RUNTIME_IMAGE\}$/);
    expect(read('Dockerfile')).toMatch(/ARG RUNTIME_IMAGE=gcr\.io\/distroless\/nodejs20-debian12:nonroot/);
    const user = final.find((line) => line.startsWith('USER '));
    expect(user).toMatch(/^USER [1-9]\d*:[1-9]\d*$/);
    expect(final.some((line) => line.startsWith('HEALTHCHECK '))).toBe(true);
    expect(final.join('\n')).toContain('/healthz');
    expect(final.join('\n')).toContain('dist/src/main.js');
    // Without prisma.config.ts (engine "js"), `prisma generate` in npm ci downloads a binary.
    expect(read('Dockerfile')).toMatch(/^COPY prisma\.config\.ts /m);
    // Production dependencies only: the final stage takes node_modules from the --omit=dev stage.
    expect(read('Dockerfile')).toMatch(/npm ci --omit=dev/);
    expect(final.some((line) => /^RUN /.test(line))).toBe(false);
  });

  it('starts the server as `npm run start:built` does, V8 heap limits included', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    const [node, ...args] = scripts['start:built']!.split(/\s+/);
    expect(node).toBe('node');
    expect(final).toContain('ENTRYPOINT ["/nodejs/bin/node"]');
    expect(final.find((line) => line.startsWith('CMD '))).toBe(
      `CMD ${JSON.stringify(args).replace(/","/g, '", "')}`,
    );
    expect(args).toEqual(expect.arrayContaining([expect.stringMatching(/^--max-old-space-size=\d+$/)]));
    expect(args).toEqual(expect.arrayContaining([expect.stringMatching(/^--max-semi-space-size=\d+$/)]));
  });

  it('leaves secrets, data and the working tree out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['.env', 'data', '**/node_modules', 'dist', '.git']) expect(ignored).toContain(entry);
  });
});

describe('compose.yaml', () => {
  // Compose applies YAML merge keys (`<<: *metbot`).
  const compose = parse(read('compose.yaml'), { merge: true });

  it('runs PostgreSQL, two metbot instances and a proxy in front of both', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['metbot-1', 'metbot-2', 'postgres', 'proxy']);
    const caddy = read('deploy/compose/Caddyfile');
    expect(caddy).toMatch(/reverse_proxy metbot-1:3978 metbot-2:3978/);
    expect(caddy).toMatch(/health_uri \/readyz/);
  });

  it('runs each instance read-only, without capabilities, on PostgreSQL, with secrets from .env', () => {
    for (const name of ['metbot-1', 'metbot-2']) {
      const service = compose.services[name];
      expect(service).toMatchObject({ read_only: true, cap_drop: ['ALL'] });
      expect(service.environment.DATABASE_URL).toMatch(/^postgresql:\/\/.*@postgres:5432\//);
      expect(service.environment.DATA_KEY).toMatch(/^\$\{DATA_KEY:\?/);
    }
  });
});
