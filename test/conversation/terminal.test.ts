import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMime } from '../gateway/support/mime';
import { startSmtpServer } from '../gateway/support/smtp';
import { missingScript } from '../support/chat';

const root = join(import.meta.dirname, '..', '..');

const chatEnv = (dir: string) => ({
  PATH: process.env.PATH,
  DATA_DIR: dir,
  DATABASE_URL: `file:${dir}/chat.db`,
  LOG_LEVEL: 'error',
});

function chat(input: string, args: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'metbot-chat-'));
  return execFileSync('npm', ['run', '-s', 'chat', '--', ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
    env: chatEnv(dir),
  });
}

describe('npm run chat', () => {
  it('lists the five jobs for "help" from a pipe, and ends cleanly at end of input', () => {
    const out = chat('help\n');
    for (const job of ['intel', 'missing', 'found', 'check', 'due']) expect(out).toContain(job);
    expect(out).toContain('If a child is in immediate danger, call 999 now.');
  });

  it('takes the user and role from flags', () => {
    const refused = chat('due\n', ['--role', 'practitioner']);
    expect(refused).toContain('only for duty officers and MET group members');
    const allowed = chat('due\n', ['--role', 'met-member', '--user', 'm1', '--name', 'Mo Example']);
    expect(allowed).toContain('No return interviews are outstanding.');
  });
});

describe('a report made in the terminal chat', () => {
  it('says it is only kept when no police gateway is set up', () => {
    const out = chat(`${missingScript('Testchild Keptonly', 'yesterday 18:00').join('\n')}\n`);
    expect(out).toMatch(/Saved as MIS-\d{4}-\d{6}/);
    expect(out).toContain('nothing is set up to send it on');
    expect(out).not.toContain('queued for the police');
  });

  it('reaches the police gateway, once, through the same wired core as the server', {
    timeout: 60_000,
  }, async () => {
    const smtp = await startSmtpServer();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'metbot-chat-'));
      const child = execFile('npm', ['run', '-s', 'chat'], {
        cwd: root,
        encoding: 'utf8',
        env: {
          ...chatEnv(dir),
          GATEWAY_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
          GATEWAY_EMAIL_TO: 'intel-gateway@police.example',
          GATEWAY_EMAIL_FROM: 'metbot@example.org',
          // Missing notifications go to the police only when this says so (docs/gateway.md).
          GATEWAY_SEND_MISSING: 'true',
        },
      });
      const done = new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (chunk) => (out += chunk));
        child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${out}`))));
      });
      child.stdin!.end(`${missingScript('Testchild Terminal', 'yesterday 18:00').join('\n')}\n`);
      const out = await done;
      const reference = /Saved as (MIS-\d{4}-\d{6})/.exec(out)?.[1];
      expect(reference).toBeDefined();
      expect(out).toContain("It is queued for the police intelligence team's gateway.");

      const [mail] = await smtp.waitFor(1);
      expect(mail!.to).toEqual(['intel-gateway@police.example']);
      expect(parseMime(mail!.raw).headers.get('subject')).toContain(reference);
      expect(smtp.received).toHaveLength(1);
    } finally {
      await smtp.close();
    }
  });
});
