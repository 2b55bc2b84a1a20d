import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../policies/audit.js';
import { PolicyGate } from '../../policies/gate.js';
import { parsePolicy } from '../../policies/policy-schema.js';
import { writeSite } from '../../scripts/site-writer.js';
import { LocalSource } from '../../src/adapters/local/local-source.js';
import { gateResolver } from '../../src/services/automation/gate-resolver.js';
import { draftRule } from '../../src/services/automation/pipeline.js';
import { tempDir } from '../support/fixture-site.js';

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function openSite() {
  const root = tempDir('groups');
  roots.push(root);
  writeSite(join(root, 'site'), {
    spaces: [{ key: 'OPS', name: 'Platform Operations' }],
    // "platform-ops" is listed; "on-call" exists only on a user's group list.
    groups: [{ name: 'platform-ops', description: 'Runs the platform' }, { name: 'sales-and-partnerships' }],
    users: [
      { accountId: 'u-ana', displayName: 'Ana Ruiz', email: 'ana@example.com', groups: ['platform-ops', 'on-call'] },
      { accountId: 'u-lee1', displayName: 'Lee Park', email: 'lee.park@example.com', groups: [] },
      { accountId: 'u-lee2', displayName: 'Lee Park', email: 'lpark@example.com', groups: [] },
    ],
    defaultUser: 'u-ana',
    pages: [{ id: '1', title: 'Runbooks', space: 'OPS', body: 'x' }],
  });
  return LocalSource.open(join(root, 'site'), join(root, 'data'));
}

describe('group and user lookup behind the gate (local source)', () => {
  it('finds site.json groups and groups named only on users, exactly and case-insensitively', async () => {
    const source = openSite();
    expect(await source.findGroups('Platform-Ops')).toEqual([{ name: 'platform-ops' }]);
    expect(await source.findGroups('on-call')).toEqual([{ name: 'on-call' }]);
    expect(await source.findGroups('sales-and-partnerships')).toEqual([{ name: 'sales-and-partnerships' }]);
    expect(await source.findGroups('sales')).toEqual([]);
    await source.close();
  });

  it('the gate resolver resolves a group the rule names and reports a missing one', async () => {
    const source = openSite();
    const policy = parsePolicy(JSON.stringify({ read: { spaces: ['OPS'] }, draft: { spaces: ['OPS'] }, labels: { deny: [] } }), 'test');
    const audit: AuditEntry[] = [];
    const gate = new PolicyGate(policy, { accountId: 'u-ana', displayName: 'Ana Ruiz', groups: ['platform-ops'] }, 'agent', source, { record: (e) => audit.push(e) });
    const resolver = gateResolver(gate);
    expect(await resolver.findGroups!('PLATFORM-OPS')).toEqual([{ name: 'platform-ops' }]);
    const rule = {
      title: 'Alert',
      trigger: { type: 'PagePublishedTrigger', config: {} },
      components: [{ type: 'SendEmailAction', config: { to: [{ groupName: 'platform-ops' }, { groupName: 'no-such-team' }], subject: 'x', body: 'y' } }],
    };
    const result = await draftRule({ prompt: 'email platform-ops', spaceKey: 'OPS', rule, resolver });
    expect(result.resolved.filter((r) => r.kind === 'group')).toMatchObject([{ id: 'platform-ops', label: 'platform-ops' }]);
    expect(result.unresolved.filter((r) => r.kind === 'group')).toMatchObject([{ reason: 'not_found', ref: { groupName: 'no-such-team' } }]);
    expect(audit.some((e) => e.action === 'find-group')).toBe(true);
    // Two people share a display name: ambiguous with both as candidates, not "not found".
    const users = await draftRule({ prompt: 'email Lee Park', spaceKey: 'OPS', rule: { ...rule, components: [{ type: 'SendEmailAction', config: { to: [{ displayName: 'Lee Park' }], subject: 'x', body: 'y' } }] }, resolver });
    expect(users.unresolved).toMatchObject([{ kind: 'user', reason: 'ambiguous', candidates: [{ id: 'u-lee1' }, { id: 'u-lee2' }] }]);
    await source.close();
  });
});
