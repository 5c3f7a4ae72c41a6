import { z } from 'zod';

/** Strips optional, nullable, default and pipe wrappers to reach the schema underneath. */
export function unwrap(schema: z.ZodType): { inner: z.ZodType; optional: boolean } {
  let inner: z.ZodType = schema;
  let optional = false;
  for (;;) {
    if (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault || inner instanceof z.ZodNullable) {
      optional = true;
      inner = inner.unwrap() as z.ZodType;
    } else if (inner instanceof z.ZodPipe) {
      inner = inner.in as z.ZodType;
    } else {
      return { inner, optional };
    }
  }
}

/** The schema of the field at a dotted path (`child.name`), or undefined when there is none. */
export function schemaAt(schema: z.ZodType, path: string): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const key of path.split('.')) {
    if (!current) return undefined;
    const { inner } = unwrap(current);
    if (inner instanceof z.ZodObject) current = (inner.shape as Record<string, z.ZodType>)[key];
    else if (inner instanceof z.ZodRecord) current = inner.valueType as z.ZodType;
    else return undefined;
  }
  return current;
}

/** Every leaf path of an object schema, with whether a value is required there. */
export function leafPaths(schema: z.ZodType, prefix = ''): { path: string; required: boolean }[] {
  const { inner, optional } = unwrap(schema);
  if (!(inner instanceof z.ZodObject)) return [{ path: prefix, required: !optional }];
  return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([key, child]) =>
    leafPaths(child, prefix ? `${prefix}.${key}` : key).map((leaf) => ({
      ...leaf,
      required: leaf.required && !optional,
    })),
  );
}

export function getPath(values: Record<string, unknown>, path: string): unknown {
  let current: unknown = values;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function setPath(values: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let current = values;
  for (const key of keys.slice(0, -1)) {
    if (current[key] === null || typeof current[key] !== 'object') current[key] = {};
    current = current[key] as Record<string, unknown>;
  }
  const last = keys.at(-1)!;
  if (value === undefined) delete current[last];
  else current[last] = value;
}
