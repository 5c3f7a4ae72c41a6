import type { Core } from '../../src/core';
import type { Logger } from '../../src/logger';
import type { ModalFlow } from './modal-flow';
import type { SlackPeople } from './people';

/** What every Slack listener is given. */
export interface SlackParts {
  core: Core;
  log: Logger;
  people: SlackPeople;
  modals: ModalFlow;
}
