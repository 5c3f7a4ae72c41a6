import { z } from 'zod';

export const ShutdownSettingsSchema = z.object({
  /**
   * On SIGTERM, how long to keep serving while /readyz already answers 503, before stopping: a
   * load balancer or Kubernetes' endpoints take a few seconds to stop sending new requests.
   */
  SHUTDOWN_DELAY_SECONDS: z.coerce
    .number({ error: 'a number of seconds' })
    .min(0, 'from 0 to 60 seconds')
    .max(60, 'from 0 to 60 seconds')
    .default(0),
});

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
