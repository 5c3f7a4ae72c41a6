import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function chat(input: string, args: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'metbot-chat-'));
  return execFileSync('npm', ['run', '-s', 'chat', '--', ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, DATA_DIR: dir, DATABASE_URL: `file:${dir}/chat.db`, LOG_LEVEL: 'error' },
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
