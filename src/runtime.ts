import { readFileSync } from 'node:fs';
import type { AuditSink } from '../policies/audit.js';
import { PolicyGate } from '../policies/gate.js';
import { type Policy, parsePolicy } from '../policies/policy-schema.js';
import type { Role } from '../policies/tool-access.js';
import type { ContentSource } from './adapters/content-source.js';
import { LocalSource } from './adapters/local/local-source.js';
import type { StewardConfig } from './config.js';
import type { Identity } from './domain/types.js';
import { AuditLog } from './store/audit-log.js';
import { type Db, openStewardDb } from './store/database.js';

/**
 * Everything a server or CLI command needs, built once from the configuration: the policy,
 * the content source, the steward database and the acting identity. Tools never see this;
 * they get a gate.
 */
export interface Runtime {
  readonly config: StewardConfig;
  readonly policy: Policy;
  readonly source: ContentSource;
  readonly db: Db;
  readonly audit: AuditLog;
  readonly identity: Identity;
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

export async function createRuntime(config: StewardConfig): Promise<Runtime> {
  const policy = loadPolicy(config.policyFile);
  const db = openStewardDb(config.dataDir);
  const audit = new AuditLog(db);
  let source: ContentSource | undefined;
  try {
    source = await openSource(config);
    const identity = await resolveActingIdentity(config, source);
    const opened = source;
    return {
      config,
      policy,
      source: opened,
      db,
      audit,
      identity,
      gateFor: (who: Identity, role: Role) => new PolicyGate(policy, who, role, opened, audit as AuditSink),
      async close() {
        await opened.close();
        db.close();
      },
    };
  } catch (error) {
    await source?.close();
    db.close();
    throw error;
  }
}

async function openSource(config: StewardConfig): Promise<ContentSource> {
  if (config.source.kind === 'local') return LocalSource.open(config.source.siteDir, config.dataDir);
  // Loaded only when used, so the local default starts without the Cloud client.
  const { createConfluenceSource } = await import('./adapters/confluence/confluence-source.js');
  return createConfluenceSource({ baseUrl: config.source.baseUrl, email: config.source.email, apiToken: config.source.apiToken });
}

/**
 * Who the server acts as. Local: a site user named by --as, else the site's default user,
 * else anonymous (who sees only unrestricted pages). Cloud: the owner of the API token, whose
 * permissions Confluence enforces.
 */
async function resolveActingIdentity(config: StewardConfig, source: ContentSource): Promise<Identity> {
  if (config.source.kind === 'confluence') {
    const owner = config.source.email;
    if (config.actingUser !== undefined && config.actingUser.toLowerCase() !== owner.toLowerCase()) {
      // Fails closed: acting for someone other than the token owner needs a per-page permission
      // check for that user, which only the service-account mode provides.
      throw new Error(
        `--as ${config.actingUser} differs from the token owner ${owner}; with a personal API token the server acts as the token owner. Omit --as, or use that user's own token.`,
      );
    }
    return { accountId: owner, displayName: owner, email: owner, groups: [] };
  }
  const local = source as LocalSource;
  const ref = config.actingUser ?? local.defaultUser;
  if (ref === undefined) return ANONYMOUS;
  const user = await source.findUser(ref);
  if (!user) throw new Error(`unknown user ${JSON.stringify(ref)}: no single user in site.json has that accountId, email or display name`);
  return user;
}
