import { describe, expect, it } from 'vitest';
import { routeCommand } from '../../adapters/slack/commands';
import { escapeMrkdwn, unescapeSlack } from '../../adapters/slack/escape';
import { inboundKey } from '../../adapters/slack/inbound';
import { sharedText } from '../../adapters/slack/shortcut';

const forms = ['intelligence', 'missing', 'return', 'interview', 'check-cse'];

describe('/met subcommands', () => {
  it.each([
    ['', { chat: 'help' }],
    ['help', { chat: 'help' }],
    ['intel', { form: 'intelligence' }],
    ['FIB1', { form: 'intelligence' }],
    ['missing', { form: 'missing' }],
    ['missing now', { chat: 'missing now' }],
    ['found', { form: 'return' }],
    ['interview', { form: 'interview' }],
    ['check cse', { form: 'check-cse' }],
    ['check  trafficking', { form: 'check-trafficking' }],
    ['check', { chat: 'check' }],
    ['check-cse', { chat: 'check-cse' }],
    ['due', { chat: 'due' }],
    ['list High', { chat: 'list High' }],
    ['figures', { chat: 'figures' }],
    ['dashboard', { chat: 'dashboard' }],
    ['remove  MIS-2026-000001 moved out of area', { chat: 'remove MIS-2026-000001 moved out of area' }],
    ['HELP', { chat: 'HELP' }],
    ['mine', { chat: 'mine' }],
    ['setup duty here', { chat: 'setup duty here' }],
    ['alerts', { chat: 'alerts' }],
    ['ack INT-2026-000001', { chat: 'ack INT-2026-000001' }],
    ['make tea', { chat: 'make tea' }],
  ])('routes "%s"', (said, route) => {
    expect(routeCommand(said, forms)).toEqual(route);
  });
});

describe('delivery keys for exactly once', () => {
  it('keys events by event_id and interactions by their trigger', () => {
    expect(inboundKey({ event_id: 'Ev1', type: 'event_callback' })).toBe('slack:event:Ev1');
    expect(inboundKey({ command: '/met', trigger_id: 't1' })).toBe('slack:command:t1');
    expect(inboundKey({ type: 'view_submission', view: { id: 'V1' }, trigger_id: 't2' })).toBe(
      'slack:view:V1:t2',
    );
    expect(inboundKey({ type: 'block_actions', actions: [{ action_ts: '1.2' }] })).toBe('slack:action:1.2');
    expect(inboundKey({ type: 'message_action', trigger_id: 't3' })).toBe('slack:shortcut:t3');
    expect(inboundKey({ type: 'url_verification' })).toBeUndefined();
  });
});

describe('escaping', () => {
  it('neutralises mentions, channel pings and links, and reads Slack text back', () => {
    expect(escapeMrkdwn('A & B <!here> <@U1> <http://x|y>')).toBe(
      'A &amp; B &lt;!here&gt; &lt;@U1&gt; &lt;http://x|y&gt;',
    );
    expect(unescapeSlack('a &lt;b&gt; &amp;lt;')).toBe('a <b> &lt;');
  });

  it('keeps a shared message within the narrative limit, with its link', () => {
    const text = sharedText('x'.repeat(5000), 'https://example.slack.com/archives/C1/p1');
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text.endsWith('Shared from Slack: https://example.slack.com/archives/C1/p1')).toBe(true);
  });
});
