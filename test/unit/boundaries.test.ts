import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const config = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs'));

/** The same check as `npm run lint:deps`, run in `baseDir`. */
async function violations(baseDir: string) {
  const { output } = await cruise(['src', 'adapters'], {
    ...config.options,
    ruleSet: { forbidden: config.forbidden },
    validate: true,
    tsConfig: undefined,
    baseDir,
  });
  return (output as ICruiseResult).summary.violations
    .filter((v) => v.rule.severity !== 'ignore')
    .map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

describe('the boundaries of ARCHITECTURE.md (dependency-cruiser)', () => {
  it('hold in this tree, with no exceptions', async () => {
    expect(await violations(root)).toEqual([]);
  }, 60_000);

  it('catch a deliberate violation of each rule', async () => {
    const tree = mkdtempSync(join(tmpdir(), 'metbot-boundaries-'));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(tree, path)), { recursive: true });
      writeFileSync(join(tree, path), text);
    };
    write('adapters/slack/reply.ts', 'export const reply = 1;\n');
    write('src/store/database.ts', 'export const db = 1;\n');
    write(
      'src/domain/rule.ts',
      "import { reply } from '../../adapters/slack/reply';\nexport const x = reply;\n",
    );
    write('adapters/web/page.ts', "import { db } from '../../src/store/database';\nexport const y = db;\n");
    write('src/a.ts', "import { b } from './b';\nexport const a = () => b;\n");
    write('src/b.ts', "import { a } from './a';\nexport const b = () => a;\n");
    // A module calling another's service, not a port: refused. The same module, and the
    // composition root, may import it.
    write('src/alerts/alerts.service.ts', 'export class AlertService {}\n');
    write(
      'src/alerts/alert-delivery.ts',
      "import { AlertService } from './alerts.service';\nexport const d = AlertService;\n",
    );
    write(
      'src/chat/reply.ts',
      "import { AlertService } from '../alerts/alerts.service';\nexport const r = AlertService;\n",
    );
    write(
      'src/core.ts',
      "import { AlertService } from './alerts/alerts.service';\nexport const c = new AlertService();\n",
    );
    // A surface reading a form's definition instead of the core's view of it: refused. The view is allowed.
    write('src/conversation/form-definition.ts', 'export const questionsOf = () => [];\n');
    write('src/conversation/form-engine.ts', 'export const visibleQuestions = () => [];\n');
    write('src/conversation/form-view.ts', 'export const buildStepView = () => ({});\n');
    write(
      'adapters/teams/cards.ts',
      "import { questionsOf } from '../../src/conversation/form-definition';\n" +
        "import { buildStepView } from '../../src/conversation/form-view';\n" +
        'export const c = [questionsOf, buildStepView];\n',
    );
    write(
      'adapters/slack/modals.ts',
      "import { visibleQuestions } from '../../src/conversation/form-engine';\nexport const m = visibleQuestions;\n",
    );
    // An adapter may name a service's types, but not call it (or anything else in a service file);
    // nor may it reach the field cipher, even for a type.
    write(
      'src/figures/figures.service.ts',
      'export interface Figures { month: string }\nexport const periodLabel = (p: string) => p;\n',
    );
    write(
      'adapters/web/figures-page.ts',
      "import { periodLabel } from '../../src/figures/figures.service';\nexport const f = periodLabel;\n",
    );
    write(
      'adapters/web/figures-json.ts',
      "import type { Figures } from '../../src/figures/figures.service';\nexport const j = (f: Figures) => f.month;\n",
    );
    write('src/store/field-crypto.ts', 'export class FieldCipher {}\n');
    write(
      'adapters/teams/seal.ts',
      "import type { FieldCipher } from '../../src/store/field-crypto';\nexport const s = (c: FieldCipher) => c;\n",
    );
    const found = await violations(tree);
    expect(found).toEqual(
      expect.arrayContaining([
        'core-imports-no-adapter: src/domain/rule.ts → adapters/slack/reply.ts',
        'adapters-do-not-import-the-store: adapters/web/page.ts → src/store/database.ts',
        expect.stringMatching(/^no-circles: src\/(a|b)\.ts → src\/(a|b)\.ts$/),
        'modules-meet-through-ports: src/chat/reply.ts → src/alerts/alerts.service.ts',
        'surfaces-render-views-not-forms: adapters/teams/cards.ts → src/conversation/form-definition.ts',
        'surfaces-render-views-not-forms: adapters/slack/modals.ts → src/conversation/form-engine.ts',
        'adapters-use-services-as-types: adapters/web/figures-page.ts → src/figures/figures.service.ts',
        'adapters-do-not-import-the-store: adapters/teams/seal.ts → src/store/field-crypto.ts',
      ]),
    );
    expect(found.filter((v) => v.startsWith('surfaces-render-views-not-forms:'))).toHaveLength(2);
    const services = found.filter((v) => v.startsWith('adapters-use-services-as-types:'));
    expect(services).toEqual([
      'adapters-use-services-as-types: adapters/web/figures-page.ts → src/figures/figures.service.ts',
    ]);
    const ports = found.filter((v) => v.startsWith('modules-meet-through-ports:'));
    expect(ports).toEqual(['modules-meet-through-ports: src/chat/reply.ts → src/alerts/alerts.service.ts']);
  }, 60_000);
});
