/**
 * Slack reads `<…>` in mrkdwn as a mention, a channel-wide ping or a link, and `&` as the start of
 * an entity. Everything a person typed (a child's name, a narrative) is escaped before it is shown,
 * so that nobody can ping `<!channel>`, forge `<@U…>` or hide a link behind text.
 * https://docs.slack.dev/messaging/formatting-message-text#escaping
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** What Slack sends us is escaped the same way: undo it before the engine reads the words. */
export function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Cuts text to Slack's limit for a field, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
