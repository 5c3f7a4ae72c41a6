import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger('info', stream), lines };
}

describe('logs', () => {
  it.each([
    [{ name: 'Testchild Examplename' }],
    [{ child: { name: 'Testchild Examplename', dateOfBirth: '2012-01-01' } }],
    [{ answers: { anything: 'Testchild Examplename' } }],
    [{ record: { narrative: 'Testchild Examplename was seen' } }],
    [{ event: { payload: { text: 'Testchild Examplename' } } }],
  ])('never carry a child’s details: %o', (fields) => {
    const { log, lines } = capture();
    log.info({ ...fields, reference: 'MIS-2026-000001' }, 'saved');
    const out = lines.join('');
    expect(out).toContain('MIS-2026-000001');
    expect(out).not.toContain('Testchild');
    expect(out).not.toContain('2012-01-01');
  });
});
