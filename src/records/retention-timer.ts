/** The one timer that runs the daily retention sweep. */
export const RETENTION_TIMER = 'retention';
