/**
 * The few things only Slack's surfaces say (the rest is in prompts/). UK English: short, plain,
 * kind.
 */
export const words = {
  couldNotOpen: 'Sorry, Slack did not let me open the form in time. Please try again.',
  expired:
    'This form is no longer open: it was open too long, or it has been sent already. Start again with /met if you need to.',
  tryAgain: 'Sorry, I could not save that just now. Your answers are kept: please try again.',
  homeTitle: 'metbot',
  homeIntro: 'Type */met help* in any channel to see what I can do, or message me here.',
  sharedFrom: 'Shared from Slack:',
  acknowledge: 'Acknowledge',
  viewDetails: 'View details',
  escalated: 'Escalated: nobody acknowledged it in time.',
  detailsTitle: 'Alert details',
  loading: 'Getting the details…',
  detailsFailed: 'Sorry, I could not get the details just now. Please try again.',
  noRecord: 'There is no record behind this alert.',
  sentBy: 'Sent by {name}{agency} on {at}.',
  chooseAll: 'Choose all that apply.',
};
