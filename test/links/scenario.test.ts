import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertMessage } from '../../adapters/slack/alert-blocks';
import { alertCard } from '../../adapters/teams/alert-cards';
import { createDashboard } from '../../adapters/web';
import type { Actor } from '../../src/access/actor';
import { AlertDeliveryTransport } from '../../src/alerts/alert-delivery';
import type { AlertView } from '../../src/alerts/alerts.service';
import type { Surface } from '../../src/alerts/surfaces';
import { DAY, fixedClock } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import { createApp, listen } from '../../src/server';
import { chatWith } from '../support/chat';
import { createTestCore, type TestCore } from '../support/core';
import { providers, sqliteBytes, type TestDatabase } from '../support/databases';

// Issue 19, "Done when": three reports from three agencies about three children, mentioning
// "silver Corsa HX1?", "HX15 ABC" and "a man called Deano", raise exactly one possible-link
// alert to the MET group with no entity or name in a channel.
const children = ['Amber Testchild', 'Brook Testchild', 'Cody Testchild', 'Dana Testchild'];
const plaintexts = ['HX15', 'HX1?', 'Corsa', 'Deano', 'deano', '7700900123', '7700 900123', '@deano_99'];

describe.each(providers)('possible links between reports on %s', (provider) => {
  let core: TestCore;
  let database: TestDatabase;
  let cipher: Awaited<ReturnType<typeof createTestCore>>['cipher'];
  const clock = fixedClock('2026-11-28T10:00:00Z');
  const posted: { key: string; view: AlertView }[] = [];
  const slack: Surface = {
    platform: 'slack',
    postAlert: async (target, view) => {
      posted.push({ key: target.key, view });
      return { platform: 'slack', key: target.key, messageId: String(posted.length) };
    },
    updateAlert: async () => undefined,
    tell: async () => undefined,
  };
  let met: Actor;
  const reporters: Actor[] = [];
  const references: string[] = [];
  let server: Awaited<ReturnType<typeof listen>>;
  let base: string;
  let signIn: (userId: string) => Promise<string>;

  const report = (who: Actor, child: string, texts: Record<string, string>) =>
    core.submissions.submitIntelligence(who, {
      immediateDanger: false,
      child: { name: child },
      whatHappened: 'Seen after school.',
      where: 'Example Road',
      whenHappened: 'Yesterday',
      howKnown: 'saw-it',
      ...texts,
    });

  async function deliverAlerts() {
    const transport = new AlertDeliveryTransport(database.db, core.alerts, createLogger('silent'));
    const pending = await database.db.outboxMessage.findMany({
      where: { destination: 'alert', status: 'pending' },
    });
    for (const message of pending) {
      expect(
        await transport.send({
          id: message.id,
          destination: message.destination,
          recordId: message.recordId,
          idempotencyKey: message.idempotencyKey,
          attempt: 1,
          payload: cipher.openJson('OutboxMessage', 'payloadEnc', message.id, message.payloadEnc),
        }),
      ).toEqual({ ok: true });
      await database.db.outboxMessage.update({ where: { id: message.id }, data: { status: 'delivered' } });
    }
  }

  beforeAll(async () => {
    ({ core, database, cipher } = await createTestCore(provider, {
      clock,
      surfaces: new Map([['slack', slack]]),
    }));
    await database.db.chatAddress.create({
      data: { platform: 'slack', key: 'C-MET', kind: 'channel', address: '{}', purpose: 'met-coordinator' },
    });
    await database.db.chatAddress.create({
      data: { platform: 'slack', key: 'C-DUTY', kind: 'channel', address: '{}', purpose: 'duty' },
    });
    met = await core.users.ensure(
      { platform: 'slack', workspace: 'T1', platformUserId: 'UMET', displayName: 'Mo Example' },
      'met-member',
      'Example Council',
      'slack',
    );
    for (const [id, agency] of [
      ['U-SCHOOL', 'Example Academy'],
      ['U-HOME', 'Example Children’s Home'],
      ['U-YOUTH', 'Example Youth Service'],
    ] as const) {
      reporters.push(
        await core.users.ensure(
          { platform: 'slack', workspace: 'T1', platformUserId: id, displayName: `Tester ${id}` },
          'practitioner',
          agency,
          'slack',
        ),
      );
    }
    const { feature, context } = createDashboard({
      core,
      log: createLogger('silent'),
      settings: { idleMinutes: 30 },
    });
    server = await listen(createApp(database, [feature]), 0, '127.0.0.1', createLogger('silent'));
    base = `http://127.0.0.1:${server.port}`;
    signIn = async (userId) => {
      const { token } = await context.links.issueLink(userId);
      const response = await fetch(`${base}/dashboard/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
        body: new URLSearchParams({ link: token }),
      });
      expect(response.status).toBe(303);
      return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
    };
  });
  afterAll(async () => {
    await server?.close();
    await database.destroy();
  });

  it('raises exactly one possible-link alert for three reports about three children, to the MET group only', async () => {
    const [school, home, youth] = reporters as [Actor, Actor, Actor];
    const first = await report(school, children[0]!, {
      whatHappened: 'Seen getting into a silver Corsa HX1? after school.',
      personsOfConcern: 'A man called Deano, about 20, on snapchat @Deano_99',
    });
    clock.advance(DAY);
    const second = await report(home, children[1]!, {
      vehicles: 'HX15 ABC',
      whatHappened: 'Picked up at 21:00 by a man called Deano. Rang 07700 900123.',
    });
    clock.advance(DAY);
    const third = await report(youth, children[2]!, { vehicles: 'Silver Corsa, HX15ABC' });
    references.push(first.reference, second.reference, third.reference);

    // The reporter is told nothing about other children.
    for (const saved of [first, second, third]) expect(saved.vars).toEqual({ reference: saved.reference });

    const alerts = await database.db.alert.findMany({ where: { rule: 'possible-link' } });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ audience: 'met-coordinator' });
    expect((await core.alerts.view(alerts[0]!.id)).initials).toBe('A.T., B.T.'); // sealed to the alert

    await deliverAlerts();
    expect(posted.map((p) => p.key)).toEqual(['C-MET']);
    const view = posted[0]!.view;
    expect(view.category).toBe('Possible link between reports (person, vehicle)');
    expect(view.reference).toBe(`${first.reference}, ${second.reference}`);
    const channel = JSON.stringify([alertMessage(view), alertCard(view)]);
    for (const secret of [...plaintexts, ...children, 'Amber', 'Brook'])
      expect(channel).not.toContain(secret);

    const link = await database.db.link.findUniqueOrThrow({ where: { id: alerts[0]!.id } });
    expect(link.status).toBe('open');
    const members = await database.db.linkMember.findMany({ where: { linkId: link.id } });
    expect(members).toHaveLength(3);
  });

  it('shows MET members the vehicle joining the three reports on the Links page, and audits the opening', async () => {
    const cookie = await signIn(met.id);
    const before = await database.db.auditEvent.count({ where: { recordType: 'links' } });
    const response = await fetch(`${base}/dashboard/links`, { headers: { cookie } });
    expect(response.status).toBe(200);
    const page = await response.text();
    const vehicleRow = page.split('<tr>').find((row) => row.includes('HX15 ABC'));
    expect(vehicleRow).toContain('also given as HX1? ???');
    expect(vehicleRow).toContain(references.join(', '));
    expect(page).toContain('Name or nickname');
    expect(page).toContain('deano');
    for (const agency of ['Example Academy', 'Example Children&#39;s Home', 'Example Youth Service']) {
      expect(page.replace('’', '&#39;')).toContain(agency);
    }
    expect(await database.db.auditEvent.count({ where: { recordType: 'links' } })).toBe(before + 1);
    const reads = await database.db.auditEvent.count({
      where: { recordType: 'record', action: 'read', detail: 'links', actorId: met.id },
    });
    expect(reads).toBeGreaterThanOrEqual(3);
  });

  it('answers links and links <reference> for MET members in private only', async () => {
    const privately = chatWith(core, met, 'dm-met');
    const all = await privately.say('links');
    expect(all).toContain('HX15 ABC');
    expect(all).toContain('also given as HX1? ???');
    expect(all).toContain(references.join(', '));
    const one = await privately.say(`links ${references[2]!.toLowerCase()}`);
    expect(one).toContain(`Links joining ${references[2]}`);
    expect(one).toContain('deano');
    expect(await privately.say('links INT-2026-999999')).toContain("I can't find a report INT-2026-999999");

    expect(await privately.say('links confirm 00000000')).toContain("I can't find a link 00000000");

    const inChannel = await chatWith(core, met, 'C-MET', false).say('links');
    expect(inChannel).toContain('private chat');
    expect(inChannel).not.toContain('HX15');
    const practitioner = await chatWith(core, reporters[0]!, 'dm-school').say('links');
    expect(practitioner).toContain('MET group members');
    expect(practitioner).not.toContain('HX15');
  });

  it('refuses the Links page to a practitioner', async () => {
    const cookie = await signIn(reporters[0]!.id);
    const response = await fetch(`${base}/dashboard/links`, { headers: { cookie } });
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain('HX15');
  });

  it('keeps a dismissed link, audits it, and does not raise it again', async () => {
    const cookie = await signIn(met.id);
    const [link] = await database.db.link.findMany();
    const response = await fetch(`${base}/dashboard/links/${link!.id.slice(0, 8)}/dismiss`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: base, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(303);
    const decided = await database.db.link.findUniqueOrThrow({ where: { id: link!.id } });
    expect(decided.status).toBe('dismissed');
    // Who decided is sealed, bound to the link (issue 17).
    expect(decided.decidedBy).not.toContain('Mo Example');
    expect(cipher.open('Link', 'decidedBy', link!.id, decided.decidedBy!)).toBe('Mo Example');
    expect(
      await database.db.auditEvent.count({
        where: { recordType: 'link', recordId: link!.id, detail: 'dismissed' },
      }),
    ).toBe(1);
    expect(
      (await database.db.alert.findUniqueOrThrow({ where: { id: link!.id } })).acknowledgedAt,
    ).not.toBeNull();

    clock.advance(DAY);
    await report(reporters[0]!, children[1]!, { vehicles: 'HX15 ABC again, Deano driving' });
    expect(await database.db.alert.count({ where: { rule: 'possible-link' } })).toBe(1);
  });

  it('links nothing older than the window (LINK_WINDOW_DAYS, 90 by default)', async () => {
    clock.advance(91 * DAY);
    await report(reporters[2]!, children[3]!, { vehicles: 'HX15 ABC' });
    expect(await database.db.alert.count({ where: { rule: 'possible-link' } })).toBe(1);
  });

  it('keeps no entity in plaintext in any row, nor in the SQLite file', async () => {
    const tables =
      provider === 'sqlite'
        ? await database.db.$queryRawUnsafe<{ name: string }[]>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
          )
        : await database.db.$queryRawUnsafe<{ name: string }[]>(
            "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public'",
          );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['LinkMention', 'LinkTerm', 'Link']));
    let rows = 0;
    for (const { name } of tables) {
      const all = await database.db.$queryRawUnsafe<unknown[]>(`SELECT * FROM "${name}"`);
      rows += all.length;
      const text = JSON.stringify(all, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
      for (const secret of plaintexts) expect(text, `${name} holds ${secret}`).not.toContain(secret);
    }
    expect(rows).toBeGreaterThan(20);
    expect(await database.db.linkMention.count()).toBeGreaterThanOrEqual(8);
    if (provider === 'sqlite') {
      const bytes = sqliteBytes(database.url);
      expect(bytes.length).toBeGreaterThan(4096);
      for (const secret of plaintexts) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
  });
});
