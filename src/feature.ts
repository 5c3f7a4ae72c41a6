import type { Express } from 'express';
import type { Surface } from './alerts/surfaces';
import type { Config } from './config';
import type { Core } from './core';
import type { Logger } from './logger';
import type { Database } from './store/database';
import type { FieldCipher } from './store/field-crypto';

/** What an optional part (a surface, a gateway transport, a worker) is given at start-up. */
export interface FeatureDeps {
  env: NodeJS.ProcessEnv;
  config: Config;
  core: Core;
  database: Database;
  cipher: FieldCipher;
  log: Logger;
}

/** A part that is on: its routes on the one HTTP server, and any background work. */
export interface Feature {
  name: string;
  mount?(app: Express): void;
  /** A chat platform's way of speaking first: alerts with buttons, receipts. */
  surface?: Surface;
  start?(): Promise<void>;
  /** For a background worker: true while it runs (the instance is not ready otherwise). */
  running?(): boolean;
  /** Resolves when every request in hand has been answered (work a platform's ack leaves running). */
  idle?(): Promise<void>;
  /** Finishes work in hand and stops. */
  stop?(): Promise<void>;
}

/** Each optional part is on when its settings are present; off says which settings turn it on. */
export type FeatureResult = { on: true; feature: Feature } | { on: false; name: string; why: string };

export type FeatureFactory = (deps: FeatureDeps) => FeatureResult | Promise<FeatureResult>;
