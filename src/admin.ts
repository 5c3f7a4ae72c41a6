import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Actor } from './access/actor';
import { NotPossibleError, RefusedError } from './access/refusal';
import { checkAgainstCheckpoint, makeCheckpoint } from './audit/checkpoint';
import { loadAuditKeyring } from './audit/settings';
import { grantedText, revokedText } from './chat/people-chat';
import { type Config, ConfigError, loadConfig } from './config';
import { loadPrompts } from './conversation/prompts';
import type { Core } from './core';
import { systemClock } from './domain/clock';
import { formatLondon } from './domain/london-time';
import { isRole } from './domain/policy';
import type { Logger } from './logger';
import { wireCore } from './main';
import {
  BackupError,
  backupName,
  backupPostgres,
  backupSqlite,
  hasPgDump,
  restoreSqlite,
} from './ops/backup';
import { copyToPostgres } from './ops/copy-to-postgres';
import { keyStatus, legacyLeft, rotateKeys } from './ops/key-rotation';
import { DEFAULT_TOKEN_ROLE } from './people/api-tokens.service';
import { rolesOf } from './people/users.service';
import { verifyAuditChain } from './store/audit';
import { type AuditKeyring, installedAuditKeyring, useAuditKeyring } from './store/audit-key';
import { loadFieldCipher } from './store/data-key';
import { type Database, openDatabase, providerOf } from './store/database';
import type { FieldCipher, SealedLegacy } from './store/field-crypto';
import { sqliteFile } from './store/migrate';
import { withDisplayName } from './store/staff-names';

/**
 * `npm run admin -- <group> <command> [--option value …]`: set-up tasks run on the server, next
 * to the database. Each command is an entry in `commands`; add a group or a command there.
 */

interface Output {
  out(line: string): void;
  err(line: string): void;
}

interface AdminContext extends Output {
  /** Opened on first use, closed when the command ends. */
  database(): Promise<Database>;
  /**
   * The core wired as the server wires it (src/main.ts wireCore): the same data key, delivery
   * routes and settings, so a role change here is queued for the MET coordinator as one in chat is.
   */
  core(): Promise<Core>;
  /** The data key, as the server loads it (its warnings on stderr). */
  /** The data keys as the server has them; `accept` opens values from before whatever SEALED_LEGACY says. */
  cipher(legacy?: SealedLegacy): FieldCipher;
  /** The audit keys, as the server has them (installed when the database is opened). */
  auditKeys(): AuditKeyring;
  config: Config;
  env: NodeJS.ProcessEnv;
}

interface Command {
  usage: string;
  summary: string;
  options: Record<string, { type: 'string' | 'boolean'; required?: boolean }>;
  /** The option a bare argument fills: `restore backup.db` is `restore --from backup.db`. */
  positional?: string;
  run(options: Record<string, string>, context: AdminContext): Promise<void>;
}

/**
 * The person a command acts for (`export-child --for`): found by metbot or platform user id; the
 * policy then decides as for them, and the audit trail names them, on the admin surface.
 */
async function actorFor(db: Database['db'], cipher: FieldCipher, user: string): Promise<Actor> {
  const matches = await db.user.findMany({
    where: { OR: [{ id: user }, { platformUserId: user }] },
    include: { agency: true },
    take: 2,
  });
  if (matches.length !== 1) {
    throw new NotPossibleError(
      matches.length
        ? `More than one user has the id ${user}: give their metbot id.`
        : `No user has the id ${user}.`,
    );
  }
  const found = withDisplayName(cipher, matches[0]!);
  if (!isRole(found.role)) throw new NotPossibleError(`${found.displayName} has no role metbot knows.`);
  return {
    id: found.id,
    displayName: found.displayName,
    role: found.role,
    roles: await rolesOf(db, found.id, found.role),
    agencyId: found.agencyId,
    agencyName: found.agency?.name ?? null,
    platform: found.platform,
    workspace: found.workspace,
    surface: byAdmin.surface,
  };
}

function warnings(output: Output): Logger {
  const warn = (_fields: unknown, message?: string) => output.err(message ?? '');
  return { warn } as unknown as Logger;
}

/** Who the audit trail names for what is done here. */
const byAdmin = { name: 'admin command line', surface: 'admin' };

/** The operator at the server's command line acts as an admin; the audit trail names them so. */
const operator: Actor = {
  id: 'admin-cli',
  displayName: byAdmin.name,
  role: 'admin',
  roles: ['admin'],
  agencyId: null,
  agencyName: null,
  platform: 'admin',
  workspace: 'local',
  surface: byAdmin.surface,
};

/** Whom `--user` or `--email` names, on a platform and (for someone not met yet) in a workspace. */
function whoFrom(options: { platform: string; workspace?: string; user?: string; email?: string }) {
  if (!options.user && !options.email) throw new NotPossibleError('Give --user or --email.');
  return {
    platform: options.platform,
    workspace: options.workspace,
    ...(options.user ? { platformUserId: options.user } : { email: options.email }),
  };
}

/** `revoke` and `role revoke`: removes one role; the person keeps the others. */
const revokeCommand: Command = {
  usage:
    'revoke --platform <slack|teams|console> [--workspace <team or tenant id>] (--user <platform user id> | --email <address>) --role <role>',
  summary: 'Remove one role from someone; they keep their other roles.',
  options: {
    platform: { type: 'string', required: true },
    workspace: { type: 'string' },
    user: { type: 'string' },
    email: { type: 'string' },
    role: { type: 'string', required: true },
  },
  async run({ platform = '', workspace, user, email, role = '' }, context) {
    const done = await (await context.core()).admin.revoke(
      operator,
      whoFrom({ platform, workspace, user, email }),
      role,
    );
    const said = revokedText(done, loadPrompts().messages);
    if (done.outcome === 'removed') context.out(said);
    else throw new NotPossibleError(said);
  },
};

function printList(
  context: AdminContext,
  items: { title: string; fields: { label: string; value: string }[] }[],
) {
  if (items.length === 0) context.out('Nothing to show.');
  for (const item of items) {
    context.out(item.title);
    for (const field of item.fields) context.out(`    ${field.label}: ${field.value}`);
  }
}

const commands: Record<string, Record<string, Command>> = {
  'export-child': {
    '': {
      usage: 'export-child --reference <INT-2026-000123> --for <user id> [--out <file>]',
      summary: "Everything held about a record's child, decrypted, for a MET group member (subject access).",
      options: {
        reference: { type: 'string', required: true },
        for: { type: 'string', required: true },
        out: { type: 'string' },
      },
      async run({ reference = '', for: user = '', out }, context) {
        if (out && existsSync(out))
          throw new NotPossibleError(`${out} already exists: choose a new file name.`);
        const { db } = await context.database();
        const requester = await actorFor(db, context.cipher(), user);
        const exported = await (await context.core()).subjectAccess.exportChild(requester, reference);
        const json = `${JSON.stringify(exported, null, 2)}\n`;
        if (!out) {
          context.out(json.trimEnd());
          return;
        }
        writeFileSync(out, json, { mode: 0o600, flag: 'wx' });
        context.out(
          `Exported ${exported.records.length} records about ${exported.child.initials} for ${requester.displayName} to ${out} (readable only by you). It holds the child's details: hand it over securely and delete it after.`,
        );
      },
    },
  },
  copy: {
    '': {
      usage: 'copy --to <postgresql url> [--force]',
      summary: 'Move this SQLite installation into an empty PostgreSQL database (stop metbot first).',
      options: { to: { type: 'string', required: true }, force: { type: 'boolean' } },
      async run({ to = '', force }, context) {
        const done = await copyToPostgres(context.config.DATABASE_URL, to, {
          force: Boolean(force),
          progress: (line) => context.out(`  ${line}`),
        });
        const rows = done.tables.reduce((sum, table) => sum + table.rows, 0);
        context.out(
          `Copied ${rows} rows in ${done.tables.length} tables; every count matches and the audit chain verifies (${done.chain.events} events).`,
        );
        context.out(
          'Now set DATABASE_URL to the PostgreSQL URL and start metbot; keep the SQLite file as a backup.',
        );
      },
    },
  },
  backup: {
    '': {
      usage: 'backup [--to <file>]',
      summary: 'Copy the database while metbot runs (SQLite), or run / show pg_dump (PostgreSQL).',
      options: { to: { type: 'string' } },
      async run({ to }, context) {
        const url = context.config.DATABASE_URL;
        const now = systemClock.now();
        if (providerOf(url) === 'sqlite') {
          const file = to ?? join(dirname(sqliteFile(url)), 'backups', backupName(now, 'db'));
          const done = await backupSqlite(url, file);
          context.out(`Backed up to ${done.file} (${Math.ceil(done.bytes / 1024)} KB), checked whole.`);
          context.out(
            'Keep DATA_KEY (and any retired keys) safe too, apart from the backup: it cannot be read without them.',
          );
          return;
        }
        const pgDump = hasPgDump();
        const plan = backupPostgres(url, to ?? backupName(now, 'dump'), pgDump);
        if (plan.ran) {
          context.out(`Backed up with: ${plan.shown}`);
          context.out(
            `${Math.ceil((plan.bytes ?? 0) / 1024)} KB written. Restore with pg_restore --clean --if-exists -d <url> <file>.`,
          );
          return;
        }
        context.out('pg_dump is not installed here. On a machine with the PostgreSQL client tools, run:');
        context.out(`  ${plan.shown}`);
        context.out("or use your database service's own backups (point-in-time recovery).");
      },
    },
  },
  restore: {
    '': {
      usage: 'restore <file> [--force]',
      summary: 'Put a SQLite backup in place of the database (stop metbot first).',
      options: { from: { type: 'string', required: true }, force: { type: 'boolean' } },
      positional: 'from',
      async run({ from = '', force }, context) {
        const url = context.config.DATABASE_URL;
        if (providerOf(url) !== 'sqlite') {
          throw new BackupError(
            'On PostgreSQL restore with pg_restore --clean --if-exists -d <url> <file> (see docs/operations.md).',
          );
        }
        const stamp = backupName(systemClock.now(), 'db').replace(/^metbot-|\.db$/g, '');
        const done = await restoreSqlite(url, from, { force: Boolean(force), stamp });
        context.out(`Restored ${sqliteFile(url)} from ${from}.`);
        if (done.keptAs) context.out(`The database it replaced is kept as ${done.keptAs}.`);
        if (done.migrations.length)
          context.out(`Migrations applied since the backup: ${done.migrations.join(', ')}.`);
      },
    },
  },
  role: {
    grant: {
      usage:
        'role grant --platform <slack|teams|console> [--workspace <team or tenant id>] (--user <platform user id> | --email <address>) --role <role> [--agency <a>]',
      summary:
        'Give someone a role (practitioner, duty-officer, met-member, admin); they keep their other roles. Someone metbot has not met gets it when they first speak.',
      options: {
        platform: { type: 'string', required: true },
        workspace: { type: 'string' },
        user: { type: 'string' },
        email: { type: 'string' },
        role: { type: 'string', required: true },
        agency: { type: 'string' },
      },
      async run({ platform = '', workspace, user, email, role = '', agency }, context) {
        const done = await (await context.core()).admin.grant(
          operator,
          whoFrom({ platform, workspace, user, email }),
          role,
          agency,
        );
        context.out(grantedText(done, loadPrompts().messages));
      },
    },
    revoke: revokeCommand,
  },
  revoke: { '': revokeCommand },
  audit: {
    '': {
      usage: 'audit --reference <INT-2026-000123>',
      summary: 'Who has read or changed a record and its child, and when.',
      options: { reference: { type: 'string', required: true } },
      async run({ reference = '' }, context) {
        printList(context, await (await context.core()).admin.auditTrail(operator, reference));
      },
    },
    verify: {
      usage: 'audit verify [--checkpoint <file>]',
      summary:
        'Check the whole audit chain (and that it still reaches a signed checkpoint); names the first broken link.',
      options: { checkpoint: { type: 'string' } },
      async run({ checkpoint }, context) {
        const { db } = await context.database();
        const keyring = context.auditKeys();
        const chain = await verifyAuditChain(db, { keyring });
        if (!chain.ok) {
          throw new NotPossibleError(
            `The audit chain is broken at event ${chain.brokenAt} (event ${chain.events} in order): ${chain.reason}.`,
          );
        }
        context.out(`The audit chain verifies: ${chain.events} events, each sealed and in order.`);
        if (!checkpoint) return;
        let content: unknown;
        try {
          content = JSON.parse(readFileSync(checkpoint, 'utf8'));
        } catch {
          throw new NotPossibleError(`${checkpoint} cannot be read as a checkpoint.`);
        }
        const against = await checkAgainstCheckpoint(db, keyring, content);
        if (!against.ok)
          throw new NotPossibleError(`Against the checkpoint ${checkpoint}: ${against.reason}.`);
        context.out(`It still reaches the checkpoint in ${checkpoint}.`);
      },
    },
    checkpoint: {
      usage: 'audit checkpoint [--out <file>]',
      summary: 'Write a signed checkpoint of the audit chain now (the server also makes them on a timer).',
      options: { out: { type: 'string' } },
      async run({ out }, context) {
        const { db } = await context.database();
        const made = await makeCheckpoint(db, context.auditKeys(), systemClock.now());
        const text = `${JSON.stringify(made, null, 2)}\n`;
        if (!out) {
          context.out(text.trimEnd());
          return;
        }
        writeFileSync(out, text, { mode: 0o600 });
        context.out(`Checkpoint of event ${made.seq} (${made.events} events) written to ${out}.`);
      },
    },
  },
  deadletters: {
    list: {
      usage: 'deadletters list',
      summary: 'Deliveries that failed for good.',
      options: {},
      async run(_options, context) {
        printList(context, await (await context.core()).admin.deadLetters(operator));
      },
    },
    retry: {
      usage: 'deadletters retry --id <id or its first characters>',
      summary: 'Put a failed delivery back on the queue.',
      options: { id: { type: 'string', required: true } },
      async run({ id = '' }, context) {
        context.out(
          `${await (await context.core()).admin.retry(operator, id)} delivery put back on the queue.`,
        );
      },
    },
  },
  link: {
    '': {
      usage: 'link --user <metbot or platform user id>',
      summary: 'Make a single-use dashboard sign-in link (10 minutes).',
      options: { user: { type: 'string', required: true } },
      async run({ user = '' }, context) {
        const { config } = context;
        const baseUrl = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
        const link = await (await context.core()).dashboardLinks.linkForUser(user, baseUrl);
        context.out(
          `Sign-in link for ${link.displayName}, works once until ${formatLondon(link.expiresAt)}:`,
        );
        context.out(`  ${link.url}`);
      },
    },
  },
  keys: {
    rotate: {
      usage: 'keys rotate [--batch <rows>]',
      summary: 'Seal every value under DATA_KEY (retired keys in DATA_KEYS_RETIRED); safe to run again.',
      options: { batch: { type: 'string' } },
      async run({ batch }, context) {
        const size = batch === undefined ? 200 : Number(batch);
        if (!Number.isInteger(size) || size < 1 || size > 10_000) {
          throw new NotPossibleError('Give --batch as a whole number of rows from 1 to 10000.');
        }
        // Opens what is left from before, even with SEALED_LEGACY=refuse: that is its job.
        const cipher = context.cipher('accept');
        const { db, provider } = await context.database();
        const retired = cipher.retiredKeyIds;
        context.out(
          `Sealing everything under key ${cipher.keyId}${retired.length ? ` (opening with retired keys ${retired.join(', ')})` : ''}.`,
        );
        const done = await rotateKeys(db, provider, cipher, {
          now: () => systemClock.now(),
          who: { actorId: operator.id, actor: byAdmin.name, surface: byAdmin.surface },
          batch: size,
          progress: (table) =>
            context.out(`  ${table.table}: ${table.resealed} of ${table.rows} rows sealed again`),
        });
        const unreadable = done.flatMap((table) => table.unreadable.map((id) => `${table.table} ${id}`));
        if (unreadable.length) {
          throw new NotPossibleError(
            `These rows did not open with the keys given, and were left as they are: ${unreadable.join(', ')}. ` +
              'Give the key that sealed them in DATA_KEYS_RETIRED and run keys rotate again, or restore them from a backup.',
          );
        }
        context.out(
          'Done. Check with `npm run admin -- keys status`, then remove the retired keys from DATA_KEYS_RETIRED.',
        );
      },
    },
    status: {
      usage: 'keys status',
      summary: 'How many sealed values each key and form holds; whether a retired key is still needed.',
      options: {},
      async run(_options, context) {
        const cipher = context.cipher();
        const { db } = await context.database();
        const counts = await keyStatus(db);
        const retired = cipher.retiredKeyIds;
        context.out(
          `Current key: ${cipher.keyId}. Retired keys: ${retired.length ? retired.join(', ') : 'none'}.`,
        );
        for (const c of counts)
          context.out(`  ${`${c.table}.${c.column}`.padEnd(32)} ${c.form.padEnd(12)} ${c.count}`);
        const left = legacyLeft(counts, cipher.keyId);
        context.out(
          left === 0
            ? 'Everything is sealed under the current key: no retired key is needed.'
            : `${left} values are not yet sealed under the current key: run npm run admin -- keys rotate.`,
        );
        if (cipher.legacy === 'refuse') {
          context.out(
            left === 0
              ? 'SEALED_LEGACY=refuse: only values sealed under the current key are read.'
              : `SEALED_LEGACY=refuse: the server will not start until keys rotate has sealed these ${left} values.`,
          );
        } else if (left === 0) {
          context.out('Set SEALED_LEGACY=refuse so that no value from before is accepted again.');
        }
      },
    },
  },
  token: {
    create: {
      usage: 'token create --name <name> --agency <agency> [--role <role> --allow-role <role>]',
      summary: `Make an API token for a partner system or script (shown once; a practitioner unless --allow-role names another role).`,
      options: {
        name: { type: 'string', required: true },
        role: { type: 'string' },
        'allow-role': { type: 'string' },
        agency: { type: 'string', required: true },
      },
      async run({ name = '', role = DEFAULT_TOKEN_ROLE, agency = '', 'allow-role': allowRole }, context) {
        const made = await (await context.core()).apiTokens.create(byAdmin, {
          name,
          role,
          agency,
          allowRole,
        });
        context.out(
          `API token for ${name} (${role}, ${agency}), working until ${made.expiresAt.toISOString().slice(0, 10)}:`,
        );
        context.out('');
        context.out(`  ${made.token}`);
        context.out('');
        context.out('Keep it safe: it is shown only this once. Send it as "Authorization: Bearer <token>".');
        context.out(`To stop it working: npm run admin -- token revoke --name ${name}`);
      },
    },
    revoke: {
      usage: 'token revoke --name <name>',
      summary: 'Stop a token working, at once.',
      options: { name: { type: 'string', required: true } },
      async run({ name = '' }, context) {
        await (await context.core()).apiTokens.revoke(byAdmin, name);
        context.out(`Token ${name} revoked: it no longer works.`);
      },
    },
    list: {
      usage: 'token list',
      summary: 'List tokens (never their secrets).',
      options: {},
      async run(_options, context) {
        const tokens = await (await context.core()).apiTokens.list();
        if (tokens.length === 0) context.out('No API tokens yet.');
        for (const t of tokens) {
          const now = systemClock.now();
          const state = t.revokedAt
            ? `revoked ${t.revokedAt.toISOString().slice(0, 10)}`
            : t.expiresAt <= now
              ? `expired ${t.expiresAt.toISOString().slice(0, 10)}`
              : `in use until ${t.expiresAt.toISOString().slice(0, 10)}`;
          context.out(
            `${t.name}  ${t.role}  ${t.agency ?? '-'}  made ${t.createdAt.toISOString().slice(0, 10)}  ${state}`,
          );
        }
      },
    },
  },
};

function help(write: (line: string) => void): void {
  write('Usage: npm run admin -- <command> [options]');
  write('');
  for (const group of Object.values(commands)) {
    for (const command of Object.values(group)) write(`  ${command.usage.padEnd(62)} ${command.summary}`);
  }
}

function hasAuditKey(config: Config, env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.AUDIT_KEY || config.DATA_KEY || config.NODE_ENV === 'development');
}

/** Runs one command; returns the exit code. */
export async function runAdmin(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  output: Output = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) },
): Promise<number> {
  const [groupName = '', second = '', ...more] = argv;
  // A group with one command takes its options straight away: `audit --reference …`.
  // So does one that takes a bare argument: `restore backup.db`.
  const single = second.startsWith('--') || second === '' || !commands[groupName]?.[second];
  const [commandName, rest] =
    single && commands[groupName]?.[''] ? ['', [second, ...more].filter(Boolean)] : [second, more];
  const command = commands[groupName]?.[commandName];
  if (!command) {
    const asked = ['', 'help', '--help', '-h'].includes(groupName);
    if (!asked) output.err(`There is no command "${[groupName, commandName].filter(Boolean).join(' ')}".`);
    help(asked ? output.out : output.err);
    return asked ? 0 : 2;
  }
  let values: Record<string, string>;
  try {
    const parsed = parseArgs({
      args: rest,
      options: command.options,
      strict: true,
      allowPositionals: command.positional !== undefined,
    });
    values = parsed.values as Record<string, string>;
    if (parsed.positionals.length > 1) throw new Error(`Give one ${command.positional}, not several.`);
    if (command.positional && parsed.positionals[0]) values[command.positional] = parsed.positionals[0];
  } catch (error) {
    output.err(`${(error as Error).message}\nUsage: npm run admin -- ${command.usage}`);
    return 2;
  }
  const missing = Object.entries(command.options)
    .filter(([name, option]) => option.required && !values[name]?.trim())
    .map(([name]) => `--${name}`);
  if (missing.length) {
    output.err(`Please give ${missing.join(', ')}.\nUsage: npm run admin -- ${command.usage}`);
    return 2;
  }
  let database: Database | undefined;
  let core: Core | undefined;
  try {
    const config = loadConfig(env);
    const auditKeys = () => {
      // Called in-process (tests) with no key in the environment, the keyring already set stands.
      if (!hasAuditKey(config, env)) {
        try {
          return installedAuditKeyring();
        } catch {
          // None set up: loadAuditKeyring names the setting that is missing.
        }
      }
      const keyring = loadAuditKeyring(config, env);
      useAuditKeyring(keyring);
      return keyring;
    };
    const cipher = (legacy?: SealedLegacy) => loadFieldCipher(config, warnings(output), env, legacy);
    const context: AdminContext = {
      ...output,
      database: async () => {
        // Every command that writes writes an audit event, sealed as the server seals them.
        if (!database) auditKeys();
        database ??= await openDatabase(config.DATABASE_URL);
        return database;
      },
      core: async () => {
        core ??= wireCore({
          config,
          env,
          database: await context.database(),
          cipher: cipher(),
          log: warnings(output),
        });
        return core;
      },
      auditKeys,
      cipher,
      config,
      env,
    };
    await command.run(values, context);
    return 0;
  } catch (error) {
    if (error instanceof RefusedError) {
      output.err(`Sorry, ${error.what} is only for ${error.roles}.`);
      return 1;
    }
    if (error instanceof NotPossibleError || error instanceof ConfigError || error instanceof BackupError) {
      output.err(error.message);
      return 1;
    }
    throw error;
  } finally {
    await database?.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  process.exitCode = await runAdmin(process.argv.slice(2));
}
