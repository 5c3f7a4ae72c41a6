import { type Activity, TurnContext } from 'botbuilder';

/**
 * Turns each mention of a person in a Teams message (`<at>Sam Example</at>`, with its `mention`
 * entity) into the neutral `<@id>` the core reads, so `assign MIS-… @Sam` names Sam as Slack's
 * `<@U…>` does. The id is the person's Entra object id where Teams gives it (what users are kept
 * under), else the Bot Framework id. The bot's own mention is taken out before this.
 */
export function mentionsAsIds(activity: Partial<Activity>, text: string): string {
  let out = text;
  for (const mention of TurnContext.getMentions(activity)) {
    const person = mention.mentioned as { id?: string; aadObjectId?: string } | undefined;
    if (!mention.text || !person?.id || person.id === activity.recipient?.id) continue;
    out = out.replace(mention.text, `<@${person.aadObjectId ?? person.id}>`);
  }
  return out;
}
