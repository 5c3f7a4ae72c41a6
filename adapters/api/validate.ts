import { z } from 'zod';
import { unwrap } from '../../src/conversation/schema-path';

export interface Issue {
  /** The dotted field path, e.g. `child.name`; empty for the body as a whole. */
  path: string;
  message: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

/** Fields the schema does not have: a typo in an optional field must not vanish silently. */
function unknownFields(schema: z.ZodType, value: unknown, prefix: string): Issue[] {
  const { inner } = unwrap(schema);
  if (!(inner instanceof z.ZodObject) || !value || typeof value !== 'object' || Array.isArray(value))
    return [];
  const shape = inner.shape as Record<string, z.ZodType>;
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const field = shape[key];
    return field ? unknownFields(field, child, path) : [{ path, message: 'This record has no such field.' }];
  });
}

/** Zod's words are written for the chat forms; a partner system needs the wire format. */
function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_format' && issue.format === 'datetime') {
    return 'Give a date and time in ISO 8601, in UTC, e.g. 2026-11-27T18:45:00Z.';
  }
  if (issue.code === 'invalid_format' && issue.format === 'date')
    return 'Give a date as YYYY-MM-DD, e.g. 2011-03-14.';
  if (issue.code === 'invalid_value') return `${issue.message} (one of: ${issue.values.join(', ')})`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'This field is required.';
  return issue.message;
}

/** Checks a JSON body against a record's answers schema: every problem, each with its field. */
export function checkRecord<T>(schema: z.ZodType<T>, body: unknown): Checked<T> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, issues: [{ path: '', message: 'Send the record as a JSON object.' }] };
  }
  const unknown = unknownFields(schema, body, '');
  const result = schema.safeParse(body);
  const issues = [
    ...unknown,
    ...(result.success
      ? []
      : result.error.issues.map((i) => ({ path: i.path.join('.'), message: messageOf(i) }))),
  ];
  return issues.length || !result.success ? { ok: false, issues } : { ok: true, value: result.data };
}
