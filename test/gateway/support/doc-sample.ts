import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Verify = (
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: Buffer | string,
  nowSeconds?: number,
) => boolean;

/** The signature check exactly as docs/gateway.md shows it to a receiver. */
export async function documentedVerifier(): Promise<Verify> {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'gateway.md'), 'utf8');
  const sample = /<!-- verify-sample:start -->\s*```js\n([\s\S]*?)```\s*<!-- verify-sample:end -->/.exec(
    doc,
  )?.[1];
  if (!sample) throw new Error('docs/gateway.md has no verify sample between its markers');
  const file = join(mkdtempSync(join(tmpdir(), 'metbot-doc-')), 'verify.mjs');
  writeFileSync(file, sample);
  const module = (await import(pathToFileURL(file).href)) as { verifyMetbotWebhook: Verify };
  return module.verifyMetbotWebhook;
}
