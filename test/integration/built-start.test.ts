import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The compiled tree runs on plain node: what the image runs. CI builds dist/ once before the
 * tests (.ci/run); run alone, this builds it when it is missing or older than the sources.
 */
const root = resolve(import.meta.dirname, '..', '..');
const entry = join(root, 'dist', 'src', 'main.js');

function newestSource(): number {
  return Math.max(
    ...['src', 'adapters', 'prompts', 'prisma/migrations'].flatMap((folder) =>
      readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
        .filter((file) => file.isFile())
        .map((file) => statSync(join(file.parentPath, file.name)).mtimeMs),
    ),
  );
}

let child: ChildProcess | undefined;
let dir: string;

beforeAll(() => {
  if (!existsSync(entry) || statSync(entry).mtimeMs < newestSource())
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'pipe' });
  dir = mkdtempSync(join(tmpdir(), 'metbot-built-'));
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((done) => child?.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('the build', () => {
  it('starts with `node dist/src/main.js` and answers /healthz and /readyz', async () => {
    const started = Date.now();
    // Started from another directory, so that nothing is found through the working directory.
    child = spawn(process.execPath, [entry], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        DATABASE_URL: `file:${join(dir, 'metbot.db')}`,
        DATA_DIR: dir,
        DATA_KEY: randomBytes(32).toString('base64'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const port = await new Promise<number>((found, failed) => {
      child?.stdout?.on('data', (chunk) => {
        output += chunk;
        const listening = /"port":(\d+),"msg":"metbot is listening"/.exec(output);
        if (listening) found(Number(listening[1]));
      });
      child?.once('exit', (code) => failed(new Error(`exited with ${code}:\n${output}`)));
    });
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    // The workers start just after the server listens: ready within moments.
    let ready = await fetch(`${base}/readyz`);
    for (let tries = 0; ready.status !== 200 && tries < 50; tries += 1) {
      await new Promise((wait) => setTimeout(wait, 100));
      ready = await fetch(`${base}/readyz`);
    }
    expect(ready.status, output).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { migrations: 'ok', 'worker: Outbox': 'ok' } });
    // Files read at run time come from dist/: the prompts (loaded at start) and the dashboard's assets.
    expect((await fetch(`${base}/dashboard/assets/dashboard.css`)).status).toBe(200);
    console.log(`built tree ready in ${Date.now() - started} ms`);
  }, 60_000);
});
