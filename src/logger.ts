import pino from 'pino';
import { currentRequestId } from './ops/request-context';

export type Logger = pino.Logger;

/**
 * Fields that may hold a child's details. Logs carry references and ids only; these paths are
 * censored wherever they appear so that a careless `log.info({ answers })` leaks nothing.
 */
export const redactedFields = [
  'name',
  'childName',
  'fullName',
  'dateOfBirth',
  'dob',
  'address',
  'phone',
  'phones',
  'onlineIds',
  'description',
  'narrative',
  'answers',
  'text',
  'body',
  'payload',
  'child',
  'record',
  'details',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const paths = redactedFields.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);
  return pino(
    {
      level,
      redact: { paths, censor: '[redacted]' },
      base: { service: 'metbot' },
      // Every line written while serving an HTTP request names it, whichever logger wrote it.
      mixin: () => {
        const reqId = currentRequestId();
        return reqId ? { reqId } : {};
      },
    },
    destination ?? standardOutput(level),
  );
}

/**
 * Standard output, written off the request path (issue 20): a line is queued and written when the
 * write before it has finished, never waited for. What is queued is written when the process exits.
 */
function standardOutput(level: string): pino.DestinationStream | undefined {
  return level === 'silent' ? undefined : pino.destination({ dest: 1, sync: false });
}
