import { randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { DAY, fixedClock } from '../src/domain/clock';
import { BlindIndex } from '../src/links/blind-index';
import { entitiesOfAnswers } from '../src/links/entities-of-record';
import { indexTerms } from '../src/links/index-terms';
import { LinkService } from '../src/links/links.service';
import { type Database, openDatabase, type Provider } from '../src/store/database';
import { createTestDatabaseUrl } from '../test/support/databases';
import { testCipher } from '../test/support/keys';

/**
 * Issue 19: matching 1,000 new reports against 100,000 stored ones, under 20 ms p95 per report.
 * Each new report is matched as a save matches it: its entities extracted from the answers, their
 * index terms made and keyed (HMAC), and one indexed look-up of the blind indexes through Prisma.
 * Beside it, the same look-up done by a plain indexed query: the same terms in plaintext, in a
 * table of the same rows with the same index, by one raw SQL statement (what a store without
 * blind indexes would do). The machine is shared: the figures are noisy.
 */
const STORED = Number(process.env.BENCH_LINKS_STORED ?? 100_000);
const NEW = Number(process.env.BENCH_LINKS_NEW ?? 1_000);
const TARGET_P95_MS = 20;

const letters = 'ABCDEFGHJKLMNOPRSTUVWXY';
/** Deterministic values: report i's registration, phone and nickname; 1 in 50 shares with another. */
function valuesOf(i: number) {
  const n = i % 50 === 0 ? i + 1 : i;
  const l = (k: number) => letters[Math.floor(n / letters.length ** k) % letters.length]!;
  return {
    registration: `${l(0)}${l(1)}${String(n % 100).padStart(2, '0')} ${l(2)}${l(3)}${l(0)}`,
    phone: `07700 ${String(900000 + (n % 100000)).padStart(6, '0')}`,
    nickname: `Nick${l(0)}${l(1)}${l(2)}`.slice(0, 4) + `${l(0)}${l(1)}${l(2)}`.toLowerCase(),
  };
}

function answersOf(i: number, partial: boolean): Record<string, unknown> {
  const v = valuesOf(i);
  return {
    whatHappened: `Got into a silver Corsa ${partial ? `${v.registration.slice(0, 3)}?` : v.registration}.`,
    personsOfConcern: `A man called ${v.nickname}, rang from ${v.phone}.`,
    where: `Example Road ${i % 300}`,
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

async function seed(database: Database, index: BlindIndex, now: Date) {
  const { db } = database;
  await db.$executeRawUnsafe(
    'CREATE TABLE bench_plain (term TEXT NOT NULL, record_id TEXT NOT NULL, child_id TEXT NOT NULL, created_at BIGINT NOT NULL)',
  );
  await db.$executeRawUnsafe('CREATE INDEX bench_plain_term ON bench_plain (term, created_at)');
  const BATCH = 2_000;
  for (let start = 0; start < STORED; start += BATCH) {
    const blind: string[] = [];
    const plain: string[] = [];
    for (let i = start; i < Math.min(STORED, start + BATCH); i += 1) {
      const recordId = randomUUID();
      const childId = `child-${i}`;
      const createdAt = new Date(now.getTime() - ((i % 80) + 1) * DAY);
      // As Prisma writes a DateTime: ISO text on SQLite, timestamp(3) on PostgreSQL.
      const at = createdAt.toISOString().replace('Z', '+00:00');
      for (const entity of entitiesOfAnswers(answersOf(i, i % 7 === 0))) {
        const mentionId = randomUUID();
        for (const term of indexTerms(entity.kind, entity.value).stored) {
          // Generated values only (letters, digits, + | : ? and base64url): safe to write inline.
          blind.push(
            `('${randomUUID()}', '${index.term(term)}', '${mentionId}', '${recordId}', '${childId}', '${at}')`,
          );
          plain.push(`('${term.replace(/'/g, "''")}', '${recordId}', '${childId}', ${createdAt.getTime()})`);
        }
      }
    }
    // Raw multi-row inserts: Prisma's createMany on SQLite is ~30× slower, too slow for a million rows.
    await db.$executeRawUnsafe(
      `INSERT INTO "LinkTerm" (id, term, "mentionId", "recordId", "childId", "createdAt") VALUES ${blind.join(',')}`,
    );
    await db.$executeRawUnsafe(
      `INSERT INTO bench_plain (term, record_id, child_id, created_at) VALUES ${plain.join(',')}`,
    );
  }
  if (database.provider === 'postgresql') {
    await db.$executeRawUnsafe('ANALYZE "LinkTerm"');
    await db.$executeRawUnsafe('ANALYZE bench_plain');
  } else await db.$executeRawUnsafe('ANALYZE');
  return db.linkTerm.count();
}

async function run(provider: Provider): Promise<string[]> {
  const { url, drop } = await createTestDatabaseUrl(provider);
  const database = await openDatabase(url);
  try {
    const cipher = testCipher();
    const index = BlindIndex.fromCipher(cipher);
    const clock = fixedClock('2026-11-28T10:00:00Z');
    const links = new LinkService(database.db, provider, cipher, index, clock, null, 90);
    const seedStart = performance.now();
    const rows = await seed(database, index, clock.now());
    const seeded = (performance.now() - seedStart) / 1000;

    const blindTimes: number[] = [];
    const plainTimes: number[] = [];
    let blindFound = 0;
    let plainFound = 0;
    const since = clock.now().getTime() - 90 * DAY;
    for (let n = 0; n < NEW; n += 1) {
      // Every 10th new report names values already stored; the rest are new to the store.
      const i = n % 10 === 0 ? n * 97 : STORED + n;
      const answers = answersOf(i, n % 3 === 0);
      const childId = `new-child-${n}`;

      let started = performance.now();
      const sought = new Set<string>();
      for (const entity of entitiesOfAnswers(answers))
        for (const term of indexTerms(entity.kind, entity.value).sought) sought.add(index.term(term));
      blindFound += (await links.matching(database.db, childId, [...sought], clock.now())).length;
      blindTimes.push(performance.now() - started);

      started = performance.now();
      const terms = new Set<string>();
      for (const entity of entitiesOfAnswers(answers))
        for (const term of indexTerms(entity.kind, entity.value).sought) terms.add(term);
      const list = [...terms];
      const marks = list.map((_, k) => (provider === 'postgresql' ? `$${k + 1}` : '?')).join(',');
      const tail = provider === 'postgresql' ? `$${list.length + 1}` : '?';
      const found = await database.db.$queryRawUnsafe<unknown[]>(
        `SELECT record_id, child_id, term FROM bench_plain WHERE term IN (${marks}) AND created_at >= ${tail} AND child_id <> '${childId}'`,
        ...list,
        since,
      );
      plainFound += found.length;
      plainTimes.push(performance.now() - started);
    }
    blindTimes.sort((a, b) => a - b);
    plainTimes.sort((a, b) => a - b);
    const p95 = percentile(blindTimes, 0.95);
    const plainP95 = percentile(plainTimes, 0.95);
    return [
      `${provider}: ${STORED.toLocaleString('en-GB')} stored reports (${rows.toLocaleString('en-GB')} blind index rows, seeded in ${seeded.toFixed(0)} s); ${NEW.toLocaleString('en-GB')} new reports`,
      `  blind index (extract, key, Prisma look-up): p50 ${fmt(percentile(blindTimes, 0.5))}, p95 ${fmt(p95)}, max ${fmt(blindTimes.at(-1)!)}; ${blindFound} matches`,
      `  plain indexed query (plaintext terms, raw SQL): p50 ${fmt(percentile(plainTimes, 0.5))}, p95 ${fmt(plainP95)}; ${plainFound} matches`,
      `  p95 ${(p95 / plainP95).toFixed(1)}× the plain query; target under ${TARGET_P95_MS} ms: ${p95 < TARGET_P95_MS ? 'met' : 'NOT met'}`,
      ...(blindFound === plainFound
        ? []
        : ['  WARNING: the two look-ups found different numbers of matches']),
    ];
  } finally {
    await database.close();
    await drop();
  }
}

export async function bench(): Promise<string[]> {
  const providers: Provider[] = process.env.TEST_POSTGRES_URL ? ['sqlite', 'postgresql'] : ['sqlite'];
  // The p95 of a look-up of a few milliseconds is mostly scheduling on a busy machine: say how busy.
  const load = () => `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`;
  const lines = [`Matching new reports against stored ones, per report; at the start, ${load()}`];
  for (const provider of providers) lines.push(...(await run(provider)));
  lines.push(`At the end, ${load()}`);
  return lines;
}
