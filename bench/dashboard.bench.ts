import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createDashboard } from '../adapters/web';
import { cookieNames } from '../adapters/web/session';
import type { Actor } from '../src/access/actor';
import { createCore } from '../src/core';
import { DAY, HOUR, systemClock } from '../src/domain/clock';
import { FiguresService } from '../src/figures/figures.service';
import { currentMonth, shiftMonth } from '../src/figures/periods';
import { ListQueries } from '../src/lists/list-queries';
import { createLogger } from '../src/logger';
import { createApp, listen } from '../src/server';
import {
  figuresPostgresOptions,
  openDatabase,
  type Provider,
  postgresOptions,
  type SqlReader,
} from '../src/store/database';
import { FieldCipher } from '../src/store/field-crypto';
import { sqliteValue } from '../src/store/sql-reader';

/**
 * The dashboard on 10,000 children and 100,000 missing episodes: the p95 of the page's API call
 * (HTTP, session check, policy, audit, Prisma, JSON) against the SQL it runs, run directly on the
 * database driver with no Prisma and no HTTP. The SQL is captured from the service itself, so the
 * baseline is exactly the statements the API runs. SQLite always; PostgreSQL too when
 * BENCH_POSTGRES_URL names a database the bench may fill and empty.
 * Target: p95 under 50 ms and at most 2× the direct SQL. BENCH_DASHBOARD_ONLY=due (or figures)
 * measures only that call, after the same seeding.
 */
const CHILDREN = 10_000;
const EPISODES = 100_000;
const BATCH = 1000;
const MEASURE_MS = 6_000;
const MEASURE_MAX = 200;
const ONLY = process.env.BENCH_DASHBOARD_ONLY;
if (ONLY !== undefined && ONLY !== 'due' && ONLY !== 'figures') {
  throw new Error('BENCH_DASHBOARD_ONLY is due or figures');
}

// A small fixed-seed generator: the same data every run.
function generator(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes rows straight through the driver: Prisma's createMany is far too slow for 250,000 rows. */
interface Writer {
  insert(table: string, rows: Record<string, unknown>[]): Promise<void>;
  close(): Promise<void>;
}

function sqliteWriter(file: string): Writer {
  const raw = new Database(file);
  return {
    async insert(table, rows) {
      if (rows.length === 0) return;
      const columns = Object.keys(rows[0]!);
      const statement = raw.prepare(
        `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
      raw.transaction(() => {
        for (const row of rows) statement.run(...columns.map((c) => sqliteValue(row[c] ?? null)));
      })();
    },
    async close() {
      raw.close();
    },
  };
}

function postgresWriter(url: string): Writer {
  const client = new pg.Client({ connectionString: url });
  const connected = client.connect();
  return {
    async insert(table, rows) {
      await connected;
      if (rows.length === 0) return;
      const columns = Object.keys(rows[0]!);
      for (let i = 0; i < rows.length; i += BATCH) {
        const batch = rows.slice(i, i + BATCH);
        const values: unknown[] = [];
        const tuples = batch.map((row) => {
          const start = values.length;
          for (const c of columns) values.push(row[c] ?? null);
          return `(${columns.map((_, j) => `$${start + j + 1}`).join(', ')})`;
        });
        await client.query(
          `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}`,
          values,
        );
      }
    },
    async close() {
      await client.end();
    },
  };
}

async function seed(write: Writer, now: Date): Promise<void> {
  const random = generator(20261128);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  const ago = (days: number) => new Date(now.getTime() - random() * days * DAY);
  const stamps = { createdAt: now, updatedAt: now };
  const agencies = [
    'Example Police',
    'Example Social Care',
    'Example School',
    'Example Health',
    'Example Youth Service',
    'Example Housing',
  ];
  const agencyIds = agencies.map(() => randomUUID());
  await write.insert(
    'Agency',
    agencies.map((name, i) => ({ id: agencyIds[i]!, name, createdAt: now })),
  );
  const userIds = agencyIds.map(() => randomUUID());
  await write.insert(
    'User',
    userIds.map((id, i) => ({
      id,
      platform: 'console',
      workspace: 'bench',
      platformUserId: `bench-${i}`,
      displayName: `Bench user ${i}`,
      role: 'practitioner',
      agencyId: agencyIds[i]!,
      ...stamps,
    })),
  );

  const children = Array.from({ length: CHILDREN }, () => randomUUID());
  await write.insert(
    'Person',
    children.map((id) => ({
      id,
      kind: 'child',
      initials: 'BC',
      nameEnc: 'bench',
      yearOfBirth: 2006 + Math.floor(random() * 14),
      gender: pick(['female', 'male', 'male', 'female', 'non-binary', null]),
      ethnicity: pick(['white british', 'mixed', 'black british', 'asian british', 'other', null]),
      accommodation: pick(['family', 'family', 'foster', 'residential', 'supported', null]),
      inCare: false,
      ...stamps,
    })),
  );

  const levels = ['low', 'medium', 'high'] as const;
  const entries: Record<string, unknown>[] = [];
  const changes: Record<string, unknown>[] = [];
  for (const childId of children) {
    const id = randomUUID();
    const nominatedAt = ago(730);
    let at = nominatedAt;
    let level: string = pick(levels);
    let status = 'nominated';
    const change = (fromLevel: string | null, fromStatus: string | null) =>
      changes.push({
        id: randomUUID(),
        entryId: id,
        fromLevel,
        toLevel: level,
        fromStatus,
        toStatus: status,
        reason: 'bench',
        changedById: userIds[0]!,
        changedAt: at,
      });
    change(null, null);
    const steps = Math.floor(random() * 4);
    for (let s = 0; s < steps; s += 1) {
      at = new Date(Math.min(now.getTime() - 1, at.getTime() + random() * 120 * DAY));
      const [fromLevel, fromStatus] = [level, status];
      status = s === steps - 1 && random() < 0.15 ? 'removed' : 'active';
      level = pick(levels);
      change(fromLevel, fromStatus);
    }
    entries.push({
      id,
      childId,
      status,
      level,
      reviewDate: new Date(now.getTime() + (random() - 0.3) * 60 * DAY),
      leadProfessional: 'Bench lead',
      nominatedById: pick(userIds),
      nominatedAt,
      updatedAt: now,
    });
  }
  await write.insert('MetListEntry', entries);
  await write.insert('MetLevelChange', changes);

  const records: Record<string, unknown>[] = [];
  const episodes: Record<string, unknown>[] = [];
  const record = (reference: string, type: string, createdAt: Date) => {
    const id = randomUUID();
    records.push({
      id,
      reference,
      type,
      schemaVersion: 1,
      submittedById: userIds[0]!,
      agencyId: pick(agencyIds),
      surface: 'bench',
      immediateDanger: false,
      dataEnc: 'bench',
      createdAt,
    });
    return id;
  };
  for (let i = 0; i < EPISODES; i += 1) {
    // A few children go missing far more often than most.
    const childId = children[Math.floor(CHILDREN * random() ** 2)]!;
    const lastSeenAt = ago(730);
    const missingRecordId = record(`MIS-B-${i}`, 'missing', lastSeenAt);
    const recent = now.getTime() - lastSeenAt.getTime() < 3 * DAY;
    const returnedAt =
      recent && random() < 0.5 ? null : new Date(lastSeenAt.getTime() + random() * 48 * HOUR);
    const settled = returnedAt !== null && now.getTime() - returnedAt.getTime() > 7 * DAY;
    const outcome = settled ? random() : 1;
    const offeredAt =
      returnedAt && outcome < 0.97 ? new Date(returnedAt.getTime() + random() * 96 * HOUR) : null;
    episodes.push({
      id: randomUUID(),
      childId,
      missingRecordId,
      missingFrom: pick(['home', 'care-foster', 'care-residential', 'school']),
      lastSeenAt,
      reportedAt: lastSeenAt,
      returnedAt,
      interviewDueAt: returnedAt ? new Date(returnedAt.getTime() + 72 * HOUR) : null,
      interviewerName: returnedAt ? 'Bench interviewer' : null,
      interviewOfferedAt: offeredAt,
      interviewCompletedAt:
        offeredAt && outcome < 0.93 ? new Date(offeredAt.getTime() + random() * 48 * HOUR) : null,
      interviewOutcome: outcome < 0.93 ? 'completed' : outcome < 0.96 ? 'declined' : null,
      ...stamps,
    });
  }
  for (let i = 0; i < 20_000; i += 1) record(`INT-B-${i}`, 'intelligence', ago(730));
  await write.insert('Record', records);
  await write.insert('MissingEpisode', episodes);
  await write.insert(
    'RiskCheck',
    Array.from({ length: 20_000 }, (_, i) => {
      const score = Math.floor(random() * 12);
      return {
        id: randomUUID(),
        recordId: `RC-B-${i}`,
        check: pick(['cse', 'missing', 'trafficking']),
        childId: pick(children),
        level: score > 8 ? 'high' : score > 3 ? 'medium' : 'low',
        score,
        submittedById: userIds[0]!,
        createdAt: ago(730),
      };
    }),
  );
}

interface Captured {
  strings: readonly string[];
  values: unknown[];
}

/** A Db whose $queryRaw calls are recorded (and still run), to replay the same SQL directly. */
function capturing<T extends object>(db: T, into: Captured[]): T {
  return new Proxy(db, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === '$queryRaw') {
        return (strings: TemplateStringsArray, ...values: unknown[]) => {
          into.push({ strings: [...strings], values });
          return (value as (...args: unknown[]) => unknown).call(target, strings, ...values);
        };
      }
      if (property === '$transaction') {
        return (run: (tx: object) => unknown, ...rest: unknown[]) =>
          (value as (...args: unknown[]) => unknown).call(
            target,
            (tx: object) => run(capturing(tx, into)),
            ...rest,
          );
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The same for a SqlReader: the figures' statements, run on the driver without Prisma. */
function capturingReader(read: SqlReader, into: Captured[]): SqlReader {
  return (query) => {
    into.push({ strings: query.strings, values: query.values });
    return read(query);
  };
}

type Direct = (captured: Captured[]) => Promise<void>;

function sqliteDirect(file: string): { run: Direct; close(): void } {
  const raw = new Database(file, { readonly: true });
  const statements = new Map<string, Database.Statement>();
  return {
    async run(captured) {
      for (const { strings, values } of captured) {
        const sql = strings.join('?');
        let statement = statements.get(sql);
        if (!statement) {
          statement = raw.prepare(sql);
          statements.set(sql, statement);
        }
        statement.all(...values.map(sqliteValue));
      }
    },
    close: () => raw.close(),
  };
}

function postgresDirect(url: string, options: string): { run: Direct; close(): Promise<void> } {
  // As the service runs them: with the same connection settings (src/store/database.ts).
  const pool = new pg.Pool({ connectionString: url, max: 10, options });
  // The bench drops its database at the end (WITH FORCE): an idle client cut off then must not
  // crash the run and hide the figures or the error that stopped it.
  pool.on('error', () => undefined);
  return {
    // All at once on the pool, as the service runs them.
    async run(captured) {
      await Promise.all(
        captured.map(({ strings, values }) =>
          pool.query(
            strings.reduce((sql, part, i) => `${sql}$${i}${part}`),
            values,
          ),
        ),
      );
    },
    close: () => pool.end(),
  };
}

/**
 * p50 and p95 of a run, and this process's CPU per run (user and system): on SQLite that holds the
 * SQL too, and it moves far less with the machine's load than the times do.
 */
async function timeIt(
  run: () => Promise<unknown>,
): Promise<{ p50: number; p95: number; n: number; cpu: number }> {
  for (let i = 0; i < 10; i += 1) await run();
  const times: number[] = [];
  const until = performance.now() + MEASURE_MS;
  const cpu = process.cpuUsage();
  while (times.length < MEASURE_MAX && performance.now() < until) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  const used = process.cpuUsage(cpu);
  const perRun = (used.user + used.system) / 1000 / times.length;
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { p50: at(0.5), p95: at(0.95), n: times.length, cpu: perRun };
}

async function benchProvider(provider: Provider, url: string, file?: string): Promise<string[]> {
  const lines: string[] = [];
  const started = performance.now();
  const database = await openDatabase(url);
  const now = systemClock.now();
  const writer = provider === 'sqlite' ? sqliteWriter(file!) : postgresWriter(url);
  try {
    await seed(writer, now);
  } finally {
    await writer.close();
  }
  lines.push(
    `${provider}: ${CHILDREN.toLocaleString('en-GB')} children, ${EPISODES.toLocaleString('en-GB')} episodes seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const log = createLogger('silent');
  const repeat = { threshold: 3, days: 90 };
  const benchConfig = {
    DRAFT_EXPIRY_HOURS: 24,
    ENROL_NEW_USERS: 'off' as const,
    ENROL_SLACK_TEAMS: [],
    ENROL_TEAMS_TENANTS: [],
    METBOT_ADMINS: new Set<string>(),
    REPEAT_MISSING_THRESHOLD: repeat.threshold,
    REPEAT_MISSING_DAYS: repeat.days,
  };
  const cipher = new FieldCipher(randomBytes(32));
  // Two dashboards on the one database: one counts the figures at every request, the other
  // serves them as configured (from memory for a minute).
  const servers = await Promise.all(
    [0, undefined].map(async (figuresCacheSeconds) => {
      const core = createCore({
        config: benchConfig,
        database,
        cipher,
        log,
        clock: systemClock,
        settings: { figuresCacheSeconds },
      });
      const { feature, context } = createDashboard({ core, log, settings: { idleMinutes: 30 } });
      const server = await listen(createApp(database, [feature]), 0, '127.0.0.1', log);
      // Idle keep-alive sockets must outlive the pauses between runs, or fetch meets a closed one.
      server.server.keepAliveTimeout = 120_000;
      return { server, context, base: `http://127.0.0.1:${server.port}` };
    }),
  );
  const [cold, served] = servers as [(typeof servers)[number], (typeof servers)[number]];
  const member = await database.db.user.create({
    data: {
      platform: 'console',
      workspace: 'bench',
      platformUserId: 'bench-met',
      displayName: 'Bench member',
      role: 'met-member',
    },
  });
  const actor: Actor = {
    id: member.id,
    displayName: member.displayName,
    role: 'met-member',
    roles: ['met-member'],
    agencyId: null,
    agencyName: null,
    platform: 'console',
    workspace: 'bench',
    surface: 'bench',
  };
  const session = await cold.context.links.openSession(member.id, 'browser', 'bench');
  const headers = { cookie: `${cookieNames.browser}=${encodeURIComponent(session)}` };
  const month = shiftMonth(currentMonth(now), -1);
  // Each call's SQL direct on connections set as the service's: the figures' own, the due list's the requests'.
  const [direct, figuresDirect] =
    provider === 'sqlite'
      ? [sqliteDirect(file!), sqliteDirect(file!)]
      : [postgresDirect(url, postgresOptions), postgresDirect(url, figuresPostgresOptions)];

  const figuresSql: Captured[] = [];
  await new FiguresService(capturingReader(database.read, figuresSql), systemClock, repeat).count(month);
  const dueSql: Captured[] = [];
  await new ListQueries(capturing(database.db, dueSql), provider, cipher, systemClock, repeat).due(actor);

  if (process.env.BENCH_DEBUG) {
    for (const [name, sqls] of [
      ['figures', figuresSql],
      ['due', dueSql],
    ] as const) {
      for (const one of sqls) {
        const t = await timeIt(() => (name === 'figures' ? figuresDirect : direct).run([one]));
        console.error(
          `  ${name}: ${t.p50.toFixed(1)} ms  ${one.strings.join('?').replace(/\s+/g, ' ').slice(0, 90)}`,
        );
      }
    }
  }
  const api = (base: string, path: string) =>
    timeIt(async () => {
      const response = await fetch(`${base}${path}`, { headers });
      if (!response.ok) throw new Error(`${path} answered ${response.status}`);
      await response.json();
    });
  const line = (
    name: string,
    measured: Awaited<ReturnType<typeof timeIt>>,
    sql?: Captured[],
    baseline?: Awaited<ReturnType<typeof timeIt>>,
  ) => {
    let text = `${provider} ${name}: API p95 ${measured.p95.toFixed(1)} ms (p50 ${measured.p50.toFixed(1)}, n=${measured.n}; this process's CPU ${measured.cpu.toFixed(1)} ms a call)`;
    if (sql && baseline) {
      const ratio = measured.p95 / baseline.p95;
      text +=
        `; the same SQL direct (${sql.length} statement${sql.length === 1 ? '' : 's'}) p95 ${baseline.p95.toFixed(1)} ms ` +
        `(p50 ${baseline.p50.toFixed(1)}; CPU ${baseline.cpu.toFixed(1)} ms); ratio ${ratio.toFixed(2)}×`;
      text +=
        measured.p95 < 50 && ratio <= 2
          ? ' — meets the target'
          : ' — misses the target (p95 < 50 ms and ≤ 2×)';
    } else {
      text += measured.p95 < 50 ? ' — meets the target (p95 < 50 ms)' : ' — misses the target (p95 < 50 ms)';
    }
    lines.push(text);
  };
  const figuresPath = `/api/v1/dashboard/figures?month=${month}`;
  const measure = async (schema: string) => {
    const floor = await api(cold.base, '/readyz');
    lines.push(
      `${provider} floor, ${schema}: GET /readyz (one SELECT 1) p95 ${floor.p95.toFixed(1)} ms (p50 ${floor.p50.toFixed(1)}); load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
    );
    if (ONLY !== 'due') {
      line(
        `figures counted at each call, ${schema}`,
        await api(cold.base, figuresPath),
        figuresSql,
        await timeIt(() => figuresDirect.run(figuresSql)),
      );
      line(`figures as served (60 s in memory), ${schema}`, await api(served.base, figuresPath));
    }
    if (ONLY !== 'figures') {
      line(
        `due list, ${schema}`,
        await api(cold.base, '/api/v1/dashboard/due'),
        dueSql,
        await timeIt(() => direct.run(dueSql)),
      );
    }
  };
  try {
    // The indexes this bench once proposed are in the schema since migration 0004, and the
    // figures' indexes since 0008, 0009 and 0010, so there is one schema to measure. ANALYZE gives the
    // planner the filled tables' statistics first; on PostgreSQL VACUUM also marks the pages
    // all-visible, as autovacuum soon does after a bulk load, or an index-only scan still reads
    // every row's page.
    await database.db.$executeRawUnsafe(provider === 'postgresql' ? 'VACUUM ANALYZE' : 'ANALYZE');
    // The seeding's writes are flushed now, not by a checkpoint in the middle of the measuring.
    if (provider === 'postgresql') await database.db.$executeRawUnsafe('CHECKPOINT');
    await measure('schema with migration 0010');
  } finally {
    for (const { server } of servers) await server.close();
    await direct.close();
    await figuresDirect.close();
    await database.close();
  }
  return lines;
}

export async function bench(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'metbot-bench-'));
  const file = join(dir, 'bench.db');
  try {
    const lines = await benchProvider('sqlite', `file:${file}`, file);
    const postgres = process.env.BENCH_POSTGRES_URL;
    if (postgres) {
      const client = new pg.Client({ connectionString: postgres });
      await client.connect();
      const name = `metbot_bench_${randomBytes(4).toString('hex')}`;
      await client.query(`CREATE DATABASE ${name}`);
      const url = new URL(postgres);
      url.pathname = `/${name}`;
      try {
        lines.push(...(await benchProvider('postgresql', url.toString())));
      } finally {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      }
    } else {
      lines.push(
        'postgresql: skipped (set BENCH_POSTGRES_URL to a server where the bench may create a database)',
      );
    }
    return lines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
