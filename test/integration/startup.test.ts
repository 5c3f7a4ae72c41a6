import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabaseUrl, providers } from '../support/databases';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const match = /"port":(\d+),"msg":"metbot is listening"/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', () => reject(new Error(`exited early: ${output}`)));
  });
  listening.catch(() => undefined);
  return { child, exited, listening, output: () => output };
}

describe('start-up', () => {
  it.each([
    [{ PORT: 'abc' }, 'PORT must be a port number from 0 to 65535'],
    [{ DATABASE_URL: 'mysql://db/metbot' }, 'DATABASE_URL must be a postgresql:// URL'],
    [{ PORT: '0' }, 'DATA_KEY must be set when NODE_ENV=production'],
    [{ NODE_ENV: 'test', PORT: '0' }, 'DATA_KEY must be set when NODE_ENV=test'],
  ])('stops with one clear line for %o', async (env, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'metbot-start-'));
    const bot = start({ DATA_DIR: dir, DATABASE_URL: `file:${dir}/m.db`, ...env });
    expect(await bot.exited).toBe(1);
    expect(bot.output().trim().split('\n')).toEqual([expect.stringContaining(message)]);
  });

  it.each(providers)(
    'serves /healthz and /readyz on %s in development with nothing else set up, and stops cleanly on SIGTERM',
    async (provider) => {
      const dir = mkdtempSync(join(tmpdir(), 'metbot-start-'));
      const home = mkdtempSync(join(tmpdir(), 'metbot-home-'));
      const { url, drop } = await createTestDatabaseUrl(provider);
      try {
        const bot = start({
          NODE_ENV: 'development',
          DATA_DIR: dir,
          DATABASE_URL: url,
          PORT: '0',
          XDG_CONFIG_HOME: home,
        });
        const port = await bot.listening;
        const response = await fetch(`http://127.0.0.1:${port}/healthz`);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ status: 'ok' });
        // The development key is kept for the user, never beside the data.
        expect(statSync(join(home, 'metbot', 'data.key')).mode & 0o777).toBe(0o600);
        expect(readdirSync(dir)).not.toContain('data.key');
        // Ready once the workers have started, just after the server listens.
        let ready = await fetch(`http://127.0.0.1:${port}/readyz`);
        for (let tries = 0; ready.status !== 200 && tries < 50; tries += 1) {
          await new Promise((wait) => setTimeout(wait, 100));
          ready = await fetch(`http://127.0.0.1:${port}/readyz`);
        }
        expect(await ready.json()).toMatchObject({
          status: 'ready',
          checks: { database: 'ok', migrations: 'ok' },
        });
        bot.child.kill('SIGTERM');
        expect(await bot.exited).toBe(0);
        expect(bot.output()).toContain('metbot stopped');
      } finally {
        await drop();
      }
    },
  );

  it('with SHUTDOWN_DELAY_SECONDS, leaves the rotation on SIGTERM but serves until the delay is over', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metbot-start-'));
    const bot = start({
      DATA_KEY: randomBytes(32).toString('base64'),
      DATA_DIR: dir,
      DATABASE_URL: `file:${dir}/m.db`,
      PORT: '0',
      SHUTDOWN_DELAY_SECONDS: '2',
    });
    const base = `http://127.0.0.1:${await bot.listening}`;
    let ready = await fetch(`${base}/readyz`);
    for (let tries = 0; ready.status !== 200 && tries < 50; tries += 1) {
      await new Promise((wait) => setTimeout(wait, 100));
      ready = await fetch(`${base}/readyz`);
    }
    expect(ready.status).toBe(200);
    bot.child.kill('SIGTERM');
    await new Promise((wait) => setTimeout(wait, 300));
    const draining = await fetch(`${base}/readyz`);
    expect(draining.status).toBe(503);
    expect(await draining.json()).toMatchObject({ checks: { 'not stopping': 'failing' } });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await bot.exited).toBe(0);
    expect(bot.output()).toContain('out of the rotation, serving for 2 s more');
  });
});
