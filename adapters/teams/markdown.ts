/**
 * The prompts mark bold with single asterisks (*send*), as Slack and the terminal read it;
 * Teams reads Markdown, where that is italics, so bold becomes **send**.
 */
export function teamsBold(text: string): string {
  return text.replace(/(^|[^*\w])\*([^*\s](?:[^*\n]*[^*\s])?)\*(?=[^*\w]|$)/g, '$1**$2**');
}

/**
 * A plain-text reply as a Teams markdown message. Lines are separated by a blank line because
 * Teams may join single line breaks, and leading spaces are dropped so that an indented line is
 * not shown as code.
 */
export function toTeamsMarkdown(text: string): string {
  return teamsBold(text)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join('\n\n');
}
