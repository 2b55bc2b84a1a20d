import { readFileSync } from 'node:fs';
import type { AuditSink } from '../policies/audit.js';
import { PolicyGate } from '../policies/gate.js';
import { type Policy, parsePolicy } from '../policies/policy-schema.js';
import type { Role } from '../policies/tool-access.js';
import type { ContentSource } from './adapters/content-source.js';
import type { Embedder } from './adapters/embedder.js';
import type { IssueTracker } from './adapters/issue-tracker.js';
import { LocalSource } from './adapters/local/local-source.js';
import type { StewardConfig } from './config.js';
import { samePerson } from '../policies/identity.js';
import type { Identity, UserInfo } from './domain/types.js';
import type { AuditStore } from './store/audit-log.js';
import { type Db, openStewardDb } from './store/database.js';
import { type SharedStore, sqliteSharedStore } from './store/shared-store.js';

/**
 * Everything a server or CLI command needs, built once from the configuration: the policy,
 * the content source, the steward database and the acting identity. Tools never see this;
 * they get a gate.
 */
export interface Runtime {
  readonly config: StewardConfig;
  readonly policy: Policy;
  readonly source: ContentSource;
  /** The local SQLite file: the page cache, and everything else when no database URL is configured. */
  readonly db: Db;
  /** Drafts, audit and question log: SQLite, or PostgreSQL shared by replicas. */
  readonly shared: SharedStore;
  readonly audit: AuditStore;
  readonly identity: Identity;
  /** Things the operator should know at start (a filter naming spaces the policy does not allow); one line each. */
  readonly notices: readonly string[];
  /** Jira through jira.js when JIRA_* is configured; otherwise drafts go to the outbox. */
  readonly issueTracker?: IssueTracker;
  /** The configured embeddings endpoint; undefined → the shipped word vectors. */
  readonly embedder?: Embedder;
  gateFor(identity: Identity, role: Role): PolicyGate;
  close(): Promise<void>;
}

export const ANONYMOUS: Identity = { accountId: '', displayName: 'anonymous', groups: [] };

export function loadPolicy(file: string): Policy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read policy ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parsePolicy(text, file);
}

export interface RuntimeOptions {
  /** The acting user is a reviewer at the command line: on Cloud they need not own the token. */
  reviewerCli?: boolean;
}

/**
 * The policy file narrowed by the configuration (flags and environment): a spaces filter keeps
 * only spaces the policy already allows, read-only mode only ever switches on. Nothing here can
 * widen access; a filter that leaves nothing readable is an error, never an empty allowlist.
 */
export function narrowPolicy(policy: Policy, config: Pick<StewardConfig, 'spacesFilter' | 'readOnly'>): { policy: Policy; notices: string[] } {
  const notices: string[] = [];
  let narrowed = policy;
  if (config.spacesFilter) {
    const { spaces, from } = config.spacesFilter;
    const allowed = new Set(policy.read.spaces);
    const outside = spaces.filter((space) => !allowed.has(space));
    const kept = policy.read.spaces.filter((space) => spaces.includes(space));
    if (kept.length === 0) {
      throw new Error(
        `${from} leaves nothing to read: none of ${spaces.join(', ')} is in the policy's read.spaces (${policy.read.spaces.join(', ')}); a filter only narrows the policy.`,
      );
    }
    if (outside.length > 0) notices.push(`${from} names ${outside.join(', ')}, which the policy's read.spaces do not allow; ignored (reading ${kept.join(', ')})`);
    narrowed = { ...narrowed, read: { spaces: kept }, draft: { spaces: policy.draft.spaces.filter((space) => kept.includes(space)) } };
  }
  if (config.readOnly && !narrowed.readOnly) narrowed = { ...narrowed, readOnly: true };
  return { policy: narrowed, notices };
}

export async function createRuntime(config: StewardConfig, options: RuntimeOptions = {}): Promise<Runtime> {
  const { policy, notices } = narrowPolicy(loadPolicy(config.policyFile), config);
  const db = openStewardDb(config.dataDir);
  let shared: SharedStore | undefined;
  let source: ContentSource | undefined;
  try {
    shared = config.database ? await openPgStore(config.database) : sqliteSharedStore(db);
    const audit = shared.audit;
    source = await openSource(config);
    const identity = await resolveActingIdentity(config, source, options);
    const opened = source;
    const openedShared = shared;
    const issueTracker = config.jira ? await openIssueTracker(config.jira) : undefined;
    const embedder = config.embeddings ? await openEmbedder(config.embeddings) : undefined;
    return {
      config,
      policy,
      source: opened,
      db,
      shared,
      audit,
      identity,
      notices,
      issueTracker,
      embedder,
      gateFor: (who: Identity, role: Role) => new PolicyGate(policy, who, role, opened, audit as AuditSink),
      async close() {
        await opened.close();
        await openedShared.close();
        db.close();
      },
    };
  } catch (error) {
    await source?.close();
    await shared?.close();
    db.close();
    throw error;
  }
}

/** Loaded only when configured, so a SQLite deployment never loads the PostgreSQL client. */
async function openPgStore(database: NonNullable<StewardConfig['database']>): Promise<SharedStore> {
  const { openPgSharedStore } = await import('./store/pg-shared-store.js');
  return openPgSharedStore(database.url, database);
}

/** The configured content source alone (local site or Confluence Cloud), for commands that need no policy. */
export async function openSource(config: StewardConfig): Promise<ContentSource> {
  if (config.source.kind === 'local') return LocalSource.open(config.source.siteDir, config.dataDir);
  // Loaded only when used, so the local default starts without the Confluence clients.
  if (config.source.deployment === 'datacenter') {
    const { createDataCenterSource } = await import('./adapters/confluence/dc-source.js');
    return createDataCenterSource({ baseUrl: config.source.baseUrl, auth: config.source.auth });
  }
  const { createConfluenceSource } = await import('./adapters/confluence/confluence-source.js');
  return createConfluenceSource({ baseUrl: config.source.baseUrl, email: config.source.email, apiToken: config.source.apiToken });
}

async function openEmbedder(embeddings: NonNullable<StewardConfig['embeddings']>): Promise<Embedder> {
  const { createOpenAiEmbedder } = await import('./adapters/embeddings/openai-embedder.js');
  return createOpenAiEmbedder(embeddings);
}

async function openIssueTracker(jira: NonNullable<StewardConfig['jira']>): Promise<IssueTracker> {
  const { createJiraTracker } = await import('./adapters/jira/jira-tracker.js');
  return createJiraTracker(jira);
}

/**
 * Who the server acts as. Local: a site user named by --as, else the site's default user,
 * else anonymous (who sees only unrestricted pages). Cloud: the owner of the API token, whose
 * permissions Confluence enforces.
 */
async function resolveActingIdentity(config: StewardConfig, source: ContentSource, options: RuntimeOptions): Promise<Identity> {
  if (config.source.kind === 'confluence') {
    // Canonical everywhere: the token owner is recorded by the account id Confluence reports,
    // never by the email the token was configured with.
    const cloud = source as ContentSource & { currentUser(): Promise<UserInfo> };
    if (options.reviewerCli && config.actingUser !== undefined) {
      // A reviewer deciding on drafts reads no page content, but must be a person Confluence
      // knows: an unknown name is refused, never recorded as given.
      return knownPerson(source, config.actingUser, 'Confluence');
    }
    const owner = await cloud.currentUser();
    // Data Center names people by username and shows no email; Cloud by account id, configured with the email.
    const configuredEmail = config.source.deployment === 'cloud' ? config.source.email : undefined;
    const identity: Identity = { accountId: owner.accountId, displayName: owner.displayName, email: owner.email ?? configuredEmail, groups: [] };
    if (config.actingUser !== undefined && !samePerson([identity, { accountId: owner.accountId, email: configuredEmail }], [{ accountId: config.actingUser }])) {
      // Fails closed: acting for someone other than the token owner needs a per-page permission
      // check for that user, which only the service-account mode provides.
      throw new Error(
        `--as ${config.actingUser} differs from the token owner ${configuredEmail ?? owner.accountId}; with a personal API token the server acts as the token owner. Omit --as, or use that user's own token.`,
      );
    }
    return identity;
  }
  const local = source as LocalSource;
  const ref = config.actingUser ?? local.defaultUser;
  if (ref === undefined) return ANONYMOUS;
  const user = await source.findUser(ref);
  if (!user) throw new Error(`unknown user ${JSON.stringify(ref)}: no single user in site.json has that accountId, email or display name`);
  return user;
}

/** The one person `ref` names (account id, email or display name), or an error that says so. */
async function knownPerson(source: ContentSource, ref: string, where: string): Promise<Identity> {
  let user: UserInfo | undefined;
  try {
    user = await source.findUser(ref);
  } catch (error) {
    throw new Error(`--as ${JSON.stringify(ref)}: could not look the user up in ${where} (${(error as Error).message}); a reviewer must be a known person`);
  }
  if (!user) throw new Error(`--as ${JSON.stringify(ref)}: no single ${where} user has that account id, email or display name; a reviewer must be a known person`);
  return { accountId: user.accountId, displayName: user.displayName, email: user.email, groups: user.groups };
}
