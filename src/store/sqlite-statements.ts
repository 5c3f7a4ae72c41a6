import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';

/** A better-sqlite3 statement, as far as Prisma's adapter uses it. */
interface Statement {
  readonly reader: boolean;
  run(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  columns(): unknown[];
  raw(on?: boolean): Statement;
}

interface Client {
  prepare(sql: string): Statement;
}

/** How many statements a connection keeps prepared; the least recently used goes first. */
const KEPT = 200;

/**
 * Prisma's SQLite adapter prepares every statement anew (parse and plan), a few per cent of the
 * server's CPU on the message hot path (issue 20). This adapter keeps the last 200 prepared, by
 * their SQL. The adapter binds each statement it prepares, which better-sqlite3 allows once per
 * statement, so a kept one is handed out in a view that passes the parameters with each call.
 */
export class SqliteWithPreparedStatements extends PrismaBetterSQLite3 {
  override async connect() {
    const adapter = await super.connect();
    keepPrepared((adapter as unknown as { client: Client }).client);
    return adapter;
  }
}

export function keepPrepared(client: Client, kept = KEPT): void {
  const prepare = client.prepare.bind(client);
  const statements = new Map<string, Statement>();
  client.prepare = (sql) => {
    let statement = statements.get(sql);
    if (statement) statements.delete(sql);
    else {
      statement = prepare(sql);
      if (statements.size >= kept) statements.delete(statements.keys().next().value!);
    }
    statements.set(sql, statement);
    return withParameters(statement);
  };
}

/** A kept statement with this call's parameters: what `prepare(sql).bind(args)` gave. */
function withParameters(statement: Statement): Statement {
  let params: unknown[] = [];
  const view = {
    get reader() {
      return statement.reader;
    },
    bind(...given: unknown[]) {
      params = given;
      return view;
    },
    run: () => statement.run(...params),
    all: () => statement.all(...params),
    columns: () => statement.columns(),
    raw: (on = true) => {
      statement.raw(on);
      return view;
    },
  };
  return view;
}
