import { AlertService } from './alerts/alerts.service';
import { ProbeWatch } from './alerts/probe-watch';
import type { Surfaces } from './alerts/surfaces';
import { ChatService } from './chat/chat.service';
import { DuplicatesService } from './children/duplicates.service';
import type { Config } from './config';
import { FormEngine } from './conversation/form-engine';
import { loadPrompts, type Prompts } from './conversation/prompts';
import { type Clock, HOUR, systemClock } from './domain/clock';
import { workspaceKey } from './domain/identity-key';
import { FiguresService } from './figures/figures.service';
import { SectionKRecordsService } from './figures/section-k-records.service';
import { BlindIndex } from './links/blind-index';
import { LinkService } from './links/links.service';
import { PictureService } from './links/picture.service';
import { ListQueries } from './lists/list-queries';
import type { Logger } from './logger';
import { MetListService } from './met-list/met-list.service';
import { InterviewService } from './missing/interviews.service';
import { QuestionService } from './missing/questions.service';
import { RateLimits } from './ops/rate-limit';
import { DeliveryService } from './outbox/deliveries.service';
import type { DeliveryRoutes } from './outbox/enqueue';
import { AdminService } from './people/admin.service';
import { ApiTokenService } from './people/api-tokens.service';
import { DashboardLinks } from './people/dashboard-links.service';
import { PeopleCache } from './people/people-cache';
import { UserService } from './people/users.service';
import { RecordWriter } from './records/record-writer';
import { RetentionService } from './records/retention.service';
import { SubjectAccessService } from './records/subject-access.service';
import { ChatAddresses } from './store/chat-addresses';
import { ConversationRepository } from './store/conversations.repository';
import type { Database } from './store/database';
import type { FieldCipher } from './store/field-crypto';
import { claimInbound } from './store/inbound-events';
import { countInWindows } from './store/rate-windows';
import { FormCatalogue } from './submissions/form-catalogue';
import { SubmissionService } from './submissions/submissions.service';

export type CoreConfig = Pick<
  Config,
  | 'DRAFT_EXPIRY_HOURS'
  | 'PUBLIC_URL'
  | 'ENROL_NEW_USERS'
  | 'ENROL_SLACK_TEAMS'
  | 'ENROL_TEAMS_TENANTS'
  | 'METBOT_ADMINS'
  | 'REPEAT_MISSING_THRESHOLD'
  | 'REPEAT_MISSING_DAYS'
> &
  Partial<
    Pick<
      Config,
      | 'LINK_WINDOW_DAYS'
      | 'INTERVIEW_REOFFER_DAYS'
      | 'ROLE_PROPOSAL_DAYS'
      | 'RETENTION_RECORD_YEARS_AFTER_18'
      | 'RETENTION_NO_CHILD_YEARS'
    >
  >;

export interface CoreDeps {
  config: CoreConfig;
  database: Database;
  cipher: FieldCipher;
  log: Logger;
  clock?: Clock;
  prompts?: Prompts;
  /** Which record types go to which delivery destinations (the police gateway's settings). */
  routes?: DeliveryRoutes;
  /**
   * The places the bot can speak first (Slack, Teams, the duty mailbox). Features are made after
   * the core, so main.ts fills this in before anything starts.
   */
  surfaces?: Surfaces;
  /** Settings that only some ways in use, read by main.ts from their own groups; defaults otherwise. */
  settings?: Partial<CoreSettings>;
}

/** The parts' own settings, defaulted as their setting schemas default them. */
export interface CoreSettings {
  /** Days a new partner API token works for (API_TOKEN_DAYS). */
  apiTokenDays: number;
  /** Look-ups answering 404 from one caller before duty officers are alerted (PROBE_ALERT_AFTER). */
  probeAlertAfter: number;
  /** Minutes a dashboard session may sit idle (DASHBOARD_SESSION_IDLE_MINUTES). */
  dashboardIdleMinutes: number;
  /** How long a period's figures are served from memory; 0 counts every time. */
  figuresCacheSeconds: number;
}

const defaultSettings: CoreSettings = {
  apiTokenDays: 90,
  probeAlertAfter: 20,
  dashboardIdleMinutes: 30,
  figuresCacheSeconds: 60,
};

/** The platform-free core: every surface talks to these. */
export function createCore({
  config,
  database,
  cipher,
  log,
  clock = systemClock,
  prompts = loadPrompts(),
  routes = {},
  surfaces = new Map(),
  settings: given = {},
}: CoreDeps) {
  const settings: CoreSettings = {
    ...defaultSettings,
    ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)),
  };
  const { db, provider } = database;
  const alerts = new AlertService(db, provider, cipher, clock, prompts.alerts, surfaces);
  const records = new RecordWriter(provider, cipher, routes);
  const metList = new MetListService(db, provider, cipher, clock, records, config.REPEAT_MISSING_DAYS);
  const links = new LinkService(
    db,
    provider,
    cipher,
    BlindIndex.fromCipher(cipher),
    clock,
    alerts,
    config.LINK_WINDOW_DAYS ?? 90,
  );
  const submissions = new SubmissionService(
    db,
    provider,
    cipher,
    clock,
    prompts.risk,
    records,
    alerts,
    metList,
    links,
    {
      repeat: { threshold: config.REPEAT_MISSING_THRESHOLD, days: config.REPEAT_MISSING_DAYS },
      reofferDays: config.INTERVIEW_REOFFER_DAYS ?? 3,
    },
  );
  const questions = new QuestionService(db, provider, cipher, clock, {
    threshold: config.REPEAT_MISSING_THRESHOLD,
    days: config.REPEAT_MISSING_DAYS,
  });
  const catalogue = new FormCatalogue(prompts, submissions);
  const interviews = new InterviewService(db, provider, clock, cipher);
  const people = new PeopleCache();
  const admin = new AdminService(db, provider, clock, cipher, { cipher, routes }, people, {
    proposalDays: config.ROLE_PROPOSAL_DAYS ?? 7,
  });
  const repeat = { threshold: config.REPEAT_MISSING_THRESHOLD, days: config.REPEAT_MISSING_DAYS };
  const figures = new FiguresService(database.read, clock, repeat, {
    cacheSeconds: settings.figuresCacheSeconds,
  });
  const dashboardLinks = new DashboardLinks(db, provider, cipher, clock, {
    idleMinutes: settings.dashboardIdleMinutes,
  });
  const picture = new PictureService(db, provider, cipher, BlindIndex.fromCipher(cipher), clock);
  const deliveries = new DeliveryService(db, provider, cipher, clock);
  const subjectAccess = new SubjectAccessService(db, provider, cipher, clock);
  const sectionK = new SectionKRecordsService(db, provider, cipher, clock);
  const retention = new RetentionService(
    provider,
    {
      yearsAfter18: config.RETENTION_RECORD_YEARS_AFTER_18 ?? 6,
      noChildYears: config.RETENTION_NO_CHILD_YEARS ?? 6,
    },
    cipher,
  );
  const engine = new FormEngine(prompts.messages, () => clock.now());
  const conversations = new ConversationRepository(db, cipher, config.DRAFT_EXPIRY_HOURS * HOUR, provider);
  const users = new UserService(db, provider, {
    clock,
    enrolment: {
      everyone: config.ENROL_NEW_USERS === 'practitioner',
      workspaces: new Set([
        ...config.ENROL_SLACK_TEAMS.map((team) => workspaceKey({ platform: 'slack', workspace: team })),
        ...config.ENROL_TEAMS_TENANTS.map((tenant) => workspaceKey({ platform: 'teams', workspace: tenant })),
      ]),
    },
    admins: config.METBOT_ADMINS,
    cipher,
    cache: people,
  });
  const duplicates = new DuplicatesService(db, provider, cipher, clock);
  const apiTokens = new ApiTokenService(db, provider, users, clock, settings.apiTokenDays);
  /** Request limits counted in the database: every instance shares one budget. */
  const rateLimits = new RateLimits(
    (windows) => countInWindows(db, windows),
    clock,
    cipher.purposeKey('rate limit v1'),
  );
  const probes = new ProbeWatch(db, provider, alerts, clock, settings.probeAlertAfter, log, rateLimits);
  const lists = new ListQueries(db, provider, cipher, clock, repeat);
  const chat = new ChatService({
    engine,
    conversations,
    catalogue,
    submissions,
    questions,
    interviews,
    admin,
    alerts,
    figures,
    dashboardLinks,
    lists,
    metList,
    links,
    sectionK,
    duplicates,
    publicUrl: config.PUBLIC_URL,
    messages: prompts.messages,
    clock,
    draftHours: config.DRAFT_EXPIRY_HOURS,
    log,
  });
  /** Exactly once: the first instance to claim a platform's delivery key handles it. */
  const inbound = { claim: (key: string) => claimInbound(db, key) };
  /** Where the bot can speak first on a platform, kept across restarts (one per platform adapter). */
  const addressesOn = (platform: string) => new ChatAddresses(db, platform);
  return {
    prompts,
    inbound,
    addressesOn,
    clock,
    engine,
    catalogue,
    submissions,
    questions,
    conversations,
    users,
    chat,
    alerts,
    surfaces,
    interviews,
    admin,
    figures,
    dashboardLinks,
    metList,
    links,
    sectionK,
    duplicates,
    picture,
    lists,
    deliveries,
    subjectAccess,
    apiTokens,
    rateLimits,
    probes,
    retention,
  };
}

export type Core = ReturnType<typeof createCore>;
