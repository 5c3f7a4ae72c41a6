import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { answerSchemas } from '../../src/domain/records';

const docs = join(import.meta.dirname, '..', '..', 'docs');

/** Every $ref in a document, with where it points. */
function refs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refs(item, found);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refs(value, found);
    }
  }
  return found;
}

function resolve(document: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .filter(Boolean)
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], document);
}

describe('docs/openapi.yaml', () => {
  const api = parse(readFileSync(join(docs, 'openapi.yaml'), 'utf8'));

  it('documents the routes the API serves', () => {
    expect(Object.keys(api.paths).sort()).toEqual(
      [
        '/api/v1/intelligence',
        '/api/v1/lists/{list}',
        '/api/v1/missing',
        '/api/v1/records/{reference}',
        '/api/v1/returns',
        '/schema/{type}.json',
      ].sort(),
    );
  });

  it("gives request examples the record's own schema accepts, intelligence with no child named among them", () => {
    const routes = {
      '/api/v1/intelligence': 'intelligence',
      '/api/v1/missing': 'missing',
      '/api/v1/returns': 'return',
    } as const;
    const examples: string[] = [];
    for (const [path, record] of Object.entries(routes)) {
      const body = api.paths[path].post.requestBody.content['application/json'];
      const given = body.examples
        ? Object.entries(body.examples as Record<string, { value: unknown }>).map(
            ([name, e]) => [name, e.value] as const,
          )
        : [[path, body.example] as const];
      for (const [name, value] of given) {
        examples.push(name);
        expect(answerSchemas[record].safeParse(value).error?.issues ?? [], `${path} ${name}`).toEqual([]);
      }
    }
    expect(examples).toContain('noChild');
  });

  it('points only at things that exist', () => {
    for (const ref of refs(api)) {
      const [file, pointer = ''] = ref.split('#');
      const target = file ? JSON.parse(readFileSync(join(docs, file), 'utf8')) : api;
      expect(resolve(target, pointer), ref).toBeDefined();
    }
  });
});
