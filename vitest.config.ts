import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { LOG_LEVEL: 'silent' },
    // Audit events are sealed with a key (src/store/audit-key.ts): each test file gets one of its own.
    setupFiles: ['test/support/audit-keyring.setup.ts'],
  },
});
