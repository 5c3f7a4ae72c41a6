import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SHARE_AS_INTELLIGENCE } from '../../adapters/slack/shortcut';

const manifest = parse(readFileSync('manifest/slack/manifest.yml', 'utf8'));
const adapter = readdirSync('adapters/slack')
  .map((file) => readFileSync(join('adapters/slack', file), 'utf8'))
  .join('\n');

/** The bot scope each Web API method needs (docs.slack.dev/reference/methods). */
const scopeOf: Record<string, string | null> = {
  'chat.postMessage': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.update': 'chat:write',
  'chat.getPermalink': null,
  'conversations.open': 'im:write',
  'users.info': 'users:read',
  'views.open': null,
  'views.update': null,
  'views.push': null,
  'views.publish': null,
  'auth.test': null,
};

describe('the Slack app manifest', () => {
  it('asks for the scopes the adapter uses, and no others', () => {
    const called = [...adapter.matchAll(/client\.(\w+)\.(\w+)\(/g)].map((m) => `${m[1]}.${m[2]}`);
    for (const method of called) expect(Object.keys(scopeOf), method).toContain(method);
    const needed = new Set(called.map((method) => scopeOf[method]).filter(Boolean));
    needed.add('commands'); // the slash command and the shortcut
    needed.add('im:history'); // the message.im event
    // users.info gives profile.email only with this: a grant made by email waits for it (people.ts).
    if (adapter.includes('profile?.email')) needed.add('users:read.email');
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });

  it('points the command, the shortcut, events and interactivity at /slack/events', () => {
    const url = 'https://YOUR-HOST/slack/events';
    expect(manifest.features.slash_commands).toEqual([expect.objectContaining({ command: '/met', url })]);
    expect(manifest.features.shortcuts).toEqual([
      expect.objectContaining({ type: 'message', callback_id: SHARE_AS_INTELLIGENCE }),
    ]);
    expect(manifest.settings.event_subscriptions).toEqual({
      request_url: url,
      bot_events: ['app_home_opened', 'message.im'],
    });
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: url });
    expect(manifest.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
  });
});
