import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, loadConfig } from '../../src/config';
import { isRole, roles } from '../../src/domain/policy';
import { createLogger } from '../../src/logger';
import { startBot } from '../../src/main';
import { terminalSession } from './session';

const usage = `npm run chat -- [--user <id>] [--name "<display name>"] [--role ${roles.join('|')}] [--agency "<agency>"]`;

/** The terminal chat: the same engine and services as Slack and Teams, over stdin and stdout. */
async function main() {
  const { values } = parseArgs({
    options: {
      user: { type: 'string', default: 'console-user' },
      name: { type: 'string', default: 'Console User' },
      role: { type: 'string', default: 'practitioner' },
      agency: { type: 'string', default: 'Example Agency' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void process.stdout.write(`${usage}\n`);
  if (!isRole(values.role)) throw new ConfigError(`--role must be one of ${roles.join(', ')}`);
  const config = loadConfig();
  // Logs go to stderr so that stdout holds only the conversation.
  const log = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, pino.destination(2));
  // The same wired core as the server: its routes, outbox, police gateway and timers.
  const bot = await startBot(config, log, process.env, { serve: false });
  const { core } = bot;
  const actor = await core.users.ensure(
    { platform: 'console', workspace: 'local', platformUserId: values.user, displayName: values.name },
    values.role,
    values.agency,
    'console',
  );
  const interactive = process.stdin.isTTY === true;
  const say = (line: string) => process.stdout.write(`${line}\n\n`);
  const session = terminalSession(core, actor);
  if (interactive)
    say(
      `metbot (terminal). You are ${actor.displayName}, ${actor.roles.join(' and ')}. Type help, or press Ctrl+D to leave.`,
    );

  const lines = createInterface({ input: process.stdin, terminal: interactive, prompt: '> ' });
  if (interactive) lines.prompt();
  for await (const line of lines) {
    if (!interactive) process.stdout.write(`> ${line}\n`);
    for (const answer of await session.answer(line)) say(answer);
    if (interactive) lines.prompt();
  }
  await bot.deliverDue();
  await bot.stop();
}

main().catch((error) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error?.stack ?? error)}\n`);
  process.exit(1);
});
