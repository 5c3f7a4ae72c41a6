import type { FieldCipher } from './field-crypto';
import { type UserKey, userBinding } from './staff-names';

/**
 * Every column that holds a sealed value (src/store/field-crypto.ts), and what each is bound to.
 * `keys rotate` and `keys status` walk this list: a new sealed column is one line here.
 */
export interface SealedTable {
  /** The Prisma model, which is also the table name and the first part of the associated data. */
  table: string;
  columns: readonly string[];
  /** The row's part of the associated data: its id, unless the row is found by another key. */
  bind?: { fields: readonly string[]; of(row: Record<string, unknown>): string };
}

export const sealedTables: readonly SealedTable[] = [
  {
    table: 'Person',
    columns: ['nameEnc', 'dateOfBirthEnc', 'detailsEnc', 'initials', 'yearOfBirthEnc', 'ethnicity'],
  },
  { table: 'Record', columns: ['dataEnc'] },
  {
    table: 'MissingEpisode',
    columns: ['policeReference', 'interviewerName', 'carerNameEnc', 'interviewerEmail', 'interviewerHandle'],
  },
  { table: 'NrmReferral', columns: ['nrmReferenceEnc'] },
  { table: 'Disruption', columns: ['perpetratorEnc'] },
  { table: 'RiskCheck', columns: ['chosenReason'] },
  { table: 'MetListEntry', columns: ['leadProfessional', 'removalReason'] },
  { table: 'MetLevelChange', columns: ['reason'] },
  { table: 'OutboxMessage', columns: ['payloadEnc', 'lastError'] },
  {
    table: 'Conversation',
    columns: ['stateEnc'],
    // Upserted by (user, place), so bound to that: see ConversationRepository.
    bind: { fields: ['userId', 'channel'], of: (row) => `${row.userId}|${row.channel}` },
  },
  { table: 'LinkMention', columns: ['valueEnc'] },
  { table: 'Link', columns: ['decidedBy'] },
  { table: 'Alert', columns: ['initials', 'acknowledgedBy'] },
  // Staff identities: an email a role waits for, and who granted, proposed or confirmed it.
  { table: 'PendingGrant', columns: ['email', 'grantedBy', 'confirmedBy'] },
  {
    table: 'RoleProposal',
    columns: ['proposedBy'],
    // Upserted by the person it is for (one proposal each), so bound to them.
    bind: { fields: ['userId'], of: (row) => String(row.userId) },
  },
  {
    table: 'User',
    columns: ['displayName'],
    // Upserted by the platform identity, so bound to it: see src/store/staff-names.ts.
    bind: {
      fields: ['platform', 'workspace', 'platformUserId'],
      of: (row) => userBinding(row as unknown as UserKey),
    },
  },
];

/**
 * Columns that held a value in clear before it moved to a sealed column: `keys rotate` moves what
 * is left and empties them, and `keys status` counts what is left as plain.
 */
export const movedToSealed: readonly { table: string; column: string; to: string }[] = [
  { table: 'Person', column: 'yearOfBirth', to: 'yearOfBirthEnc' },
];

/** The row's binding for the associated data. */
export function bindingOf(table: SealedTable, row: Record<string, unknown>): string {
  return table.bind ? table.bind.of(row) : String(row.id);
}

/** A row as read, with its sealed columns opened (for a subject access export). */
export function openSealed<T extends { id: string }>(cipher: FieldCipher, table: string, row: T): T {
  const spec = sealedTables.find((t) => t.table === table);
  if (!spec) throw new Error(`${table} has no sealed columns`);
  const opened: Record<string, unknown> = { ...row };
  const id = bindingOf(spec, row);
  for (const column of spec.columns) {
    const value = opened[column];
    if (typeof value === 'string') opened[column] = cipher.open(table, column, id, value);
  }
  return opened as T;
}
