import { type Config, ConfigError, loadConfig } from './config';
import { createLogger, type Logger } from './logger';
import { createApp, listen, type RunningServer } from './server';
import { loadFieldCipher } from './store/data-key';
import { type Database, openDatabase } from './store/database';

export interface Bot {
  config: Config;
  database: Database;
  server: RunningServer;
  stop(): Promise<void>;
}

export async function startBot(config: Config, log: Logger): Promise<Bot> {
  const cipher = loadFieldCipher(config, log);
  const database = await openDatabase(config.DATABASE_URL);
  log.info({ database: database.provider }, 'database ready');
  void cipher;
  const server = await listen(createApp(database), config.PORT, config.HOST, log);
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await server.close();
      await database.close();
      log.info('metbot stopped');
    })();
    return stopping;
  };
  return { config, database, server, stop };
}

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.LOG_LEVEL);
  try {
    const bot = await startBot(config, log);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        log.info({ signal }, 'stopping: finishing work in hand');
        bot.stop().then(() => process.exit(0));
      });
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    log.fatal({ err: error }, 'metbot could not start');
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) await main();
