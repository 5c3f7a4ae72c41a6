import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig, masked, parseSettings } from '../../src/config';
import { deliveryRoutesFrom } from '../../src/outbox/settings';

/** The one line a refused setting gives. */
function refusal(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the setting was accepted');
}

describe('a refused setting is never echoed with its secret', () => {
  it('masks the password of a bad DATABASE_URL', () => {
    const message = refusal(() => loadConfig({ DATABASE_URL: 'mysql://metbot:hunter2@db.example/metbot' }));
    expect(message).toContain('DATABASE_URL must be');
    expect(message).toContain('mysql://metbot:***@db.example/metbot');
    expect(message).not.toContain('hunter2');
  });

  it('masks the password of a bad GATEWAY_SMTP_URL', () => {
    const message = refusal(() =>
      deliveryRoutesFrom({ GATEWAY_SMTP_URL: 'smtp://mailer:hunter2@mail.example/?secure=false' }),
    );
    expect(message).toContain('GATEWAY_SMTP_URL must be');
    expect(message).not.toContain('hunter2');
  });

  it('never shows a value whose name says it is secret, in any case (MicrosoftAppPassword)', () => {
    const schema = z.object({
      MicrosoftAppPassword: z.string().min(40, 'at least 40 characters'),
      SLACK_signing_secret: z.string().min(40, 'at least 40 characters'),
    });
    const message = refusal(() =>
      parseSettings(schema, { MicrosoftAppPassword: 'hunter2', SLACK_signing_secret: 'hunter3' }),
    );
    expect(message).toContain('MicrosoftAppPassword must be at least 40 characters');
    expect(message).not.toMatch(/hunter/);
  });

  it.each([
    ['postgresql://u:p%40ss@h:5432/d', 'postgresql://u:***@h:5432/d'],
    ['postgresql://u:p@ss/w@h/d', 'postgresql://u:***@h/d'],
    ['postgresql://h:5432/d', 'postgresql://h:5432/d'],
    ['smtp://user@mail.example:25', 'smtp://user@mail.example:25'],
    ['file:./data/metbot.db', 'file:./data/metbot.db'],
  ])('masked(%s) is %s', (value, shown) => {
    expect(masked(value)).toBe(shown);
  });
});
