import type { Express } from 'express';
import type { Surface } from './alerts/surfaces';
import type { Config } from './config';
import type { Core } from './core';
import type { Logger } from './logger';
import type { Database } from './store/database';
import type { FieldCipher } from './store/field-crypto';

/**
 * What an optional part in adapters/ (a surface, a gateway transport) is given at start-up: it
 * reaches the records through the core, never through the database or the field cipher.
 */
export interface FeatureDeps {
  env: NodeJS.ProcessEnv;
  config: Config;
  core: Core;
  log: Logger;
}

/** What a background worker in src/ (the outbox, the timers) is given: also the database and the cipher. */
export interface WorkerDeps extends FeatureDeps {
  database: Database;
  cipher: FieldCipher;
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

export type WorkerFactory = (deps: WorkerDeps) => FeatureResult | Promise<FeatureResult>;
