// The dependencies every entry point is built from: one set per runtime (runtime/local.ts, runtime/aws.ts).
import type {
  Clock,
  Mailer,
  ObjectStore,
  PartyRepository,
  PressKeyRepository,
  SendLedger,
  StatementRepository,
  SubscriberRepository,
} from './ports.js';

export interface PlatformConfig {
  /** Public origin of the site and API, e.g. http://localhost:3000 (no trailing slash). */
  siteUrl: string;
  /** From: address of subscription emails. */
  mailFrom: string;
}

export interface Platform {
  config: PlatformConfig;
  clock: Clock;
  parties: PartyRepository;
  keys: PressKeyRepository;
  statements: StatementRepository;
  subscribers: SubscriberRepository;
  ledger: SendLedger;
  /** Canonical statements (blobs). */
  blobs: ObjectStore;
  /** The published static site. */
  site: ObjectStore;
  mailer: Mailer;
}
