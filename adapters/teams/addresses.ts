import type { Core } from '../../src/core';

/** Where the bot can speak first in Teams: the core's store of conversation references (src/store/chat-addresses.ts). */
export type ChatAddresses = ReturnType<Core['addressesOn']>;
