/**
 * What only the Teams surface says (the shared words are in prompts/messages.yaml). UK English:
 * short, plain and kind. *Bold* as in the prompts; render.ts turns it into Teams markdown.
 */
export const teamsWords = {
  orTypeHere: 'Or, if you prefer typing, answer here step by step.',
  formsArePrivate:
    'Forms about a child are filled in privately. Open a chat with me (select my name, then *Chat*) and type *{command}* there.',
  formClosed:
    'That form is closed: it was sent, cancelled or left too long. Type *help* to see what you can start.',
  checkMarked: 'Please check the answers marked below.',
  stepOf: 'Step {step} of {of}: {title}',
  next: 'Next',
  checkAnswers: 'Check answers',
  back: 'Back',
  cancel: 'Cancel',
  send: 'Send',
  change: 'Change answers',
  summaryTitle: '{title}: please check your answers',
  answerThis: 'Please answer this question.',
  chooseAll: 'Choose all that apply.',
  dateLabel: 'Date',
  timeLabel: 'Time (UK)',
  somethingWrong: 'Sorry, something went wrong on my side. Nothing new was saved; please try again.',
  extensionTitle: 'Share as intelligence',
  extensionDone: 'Shared: {done}',
  tenantRefused: 'This organisation is not set up to use metbot.',
  acknowledge: 'Acknowledge',
  viewDetails: 'View details',
  escalated: 'Escalated: nobody acknowledged it in time.',
  noRecord: 'There is no record behind this alert.',
  sentBy: 'Sent by {name}{agency} on {at}.',
  detailsSent: 'I have sent the details to our personal chat.',
  openPersonalChat:
    'Details about a child are only shown in a personal chat. Open a chat with me (select my name, then *Chat*), say hello, then press *View details* again.',
  detailsNotSent: 'Sorry, I could not send the details to our personal chat just now. Please try again.',
} as const;
