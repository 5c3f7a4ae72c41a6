/** One thing an instance needs before it should be sent traffic. */
export interface ReadinessCheck {
  name: string;
  /** True when ready; a check that throws counts as not ready. */
  check(): boolean | Promise<boolean>;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, 'ok' | 'failing'>;
}

/** Runs every check at once: ready when all pass. */
export async function checkReadiness(checks: ReadinessCheck[]): Promise<Readiness> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      try {
        return [name, (await check()) ? 'ok' : 'failing'] as const;
      } catch {
        return [name, 'failing'] as const;
      }
    }),
  );
  return { ready: results.every(([, result]) => result === 'ok'), checks: Object.fromEntries(results) };
}
