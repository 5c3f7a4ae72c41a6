/** Which database a URL names: SQLite (`file:`) or PostgreSQL. */
export type Provider = 'sqlite' | 'postgresql';
