/** How long a dashboard sign-in link works: the chat reply and the expired-link page both say so. */
export const LINK_MINUTES = 10;
/** A session ends after this long however busy it is: sign in again each working day. */
export const SESSION_MAX_HOURS = 12;
