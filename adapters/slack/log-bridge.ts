import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../../src/logger';

/**
 * Bolt's and the Web API client's log lines, into the bot's log. Their debug lines are dropped:
 * they print request bodies, which hold what people typed about children.
 */
export function boltLogger(log: Logger): BoltLogger {
  const line = (parts: unknown[]) =>
    parts.map((part) => (part instanceof Error ? part.message : String(part))).join(' ');
  return {
    debug: () => undefined,
    info: (...parts) => log.info({ from: 'bolt' }, line(parts)),
    warn: (...parts) => log.warn({ from: 'bolt' }, line(parts)),
    error: (...parts) => log.error({ from: 'bolt' }, line(parts)),
    // The bot's LOG_LEVEL rules: Bolt asks to set its own level at start-up.
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}
