import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type WrittenSite, writeSite } from '../../scripts/site-writer.js';

/** A small, fully known site for tests: who can read what is obvious from this file. */
export const USERS = {
  employee: { accountId: 'acc-employee', displayName: 'Erin Employee', email: 'erin@example.test', groups: ['staff'] },
  hr: { accountId: 'acc-hr', displayName: 'Harper HR', email: 'harper@example.test', groups: ['staff', 'hr'] },
  lead: { accountId: 'acc-lead', displayName: 'Lee Lead', email: 'lee@example.test', groups: ['staff'] },
};

export const FIXTURE_SITE: WrittenSite = {
  spaces: [
    { key: 'IT', name: 'IT Help' },
    { key: 'HR', name: 'People' },
    { key: 'SECRET', name: 'Board' },
  ],
  groups: [{ name: 'staff' }, { name: 'hr' }],
  users: Object.values(USERS),
  defaultUser: 'erin@example.test',
  pages: [
    { id: '1000', title: 'IT home', space: 'IT', body: '# IT home\n\nWelcome to IT help.' },
    {
      id: '1001',
      title: 'VPN setup',
      space: 'IT',
      parentId: '1000',
      labels: ['vpn'],
      body: '# VPN setup\n\nInstall the client from the portal.\n\n## Windows\n\nRun the installer. Sign in with your badge number.\n\n## macOS\n\nDrag the app to Applications. The VPN gateway is vpn.example.test.',
    },
    { id: '1002', title: 'Printer guide', space: 'IT', parentId: '1000', body: 'Printers live on floor 2. Use the badge to release jobs.' },
    {
      id: '1003',
      title: 'Vault codes',
      space: 'IT',
      parentId: '1000',
      labels: ['confidential'],
      body: 'The vault combination is orchid-42. Printers and VPN are unrelated.',
    },
    { id: '2000', title: 'People home', space: 'HR', body: 'Welcome to People.' },
    { id: '2001', title: 'Annual leave', space: 'HR', parentId: '2000', body: 'Everyone gets 27 days of annual leave. Request leave in the HR portal.' },
    {
      id: '2002',
      title: 'Salary bands',
      space: 'HR',
      parentId: '2000',
      restrictions: { read: { groups: ['hr'] } },
      body: 'Band L4 pays between 92000 and 118000 per year. Leave allowances do not change by band.',
    },
    {
      id: '2003',
      title: 'Band review notes',
      space: 'HR',
      parentId: '2002',
      body: 'Inherited restriction: what band L4 pays per year is reviewed every March. Leave is unaffected.',
    },
    {
      id: '2004',
      title: 'Lead only leave memo',
      space: 'HR',
      parentId: '2000',
      restrictions: { read: { users: ['acc-lead'] } },
      body: 'Memo: the leave carry-over limit rises to 9 days for team leads.',
    },
    { id: '3000', title: 'Board minutes', space: 'SECRET', body: 'The board approved the acquisition of Contoso for 12 million. Leave policy unchanged.' },
  ],
};

export const FIXTURE_POLICY = {
  read: { spaces: ['IT', 'HR'] },
  draft: { spaces: ['IT'] },
  jira: { projects: ['KB'], defaultProject: 'KB' },
  labels: { deny: ['confidential'] },
  staleness: { defaultDays: 365 },
  readOnly: false,
  // Every site user may review (four eyes on the drafter still applies), and a reviewer may approve
  // what they edited, so tests can edit and approve as one person; test/services/review-gate.test.ts
  // tests the strict defaults.
  review: { reviewers: { groups: ['staff'] }, editorsMayApprove: true },
};

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `steward-${prefix}-`));
}

/** Writes the fixture site and policy into a fresh temp dir; returns their paths and a data dir. */
export function writeFixture(overrides: { site?: WrittenSite; policy?: object } = {}) {
  const root = tempDir('fixture');
  const siteDir = writeSite(join(root, 'site'), overrides.site ?? FIXTURE_SITE);
  const policyFile = join(root, 'policy.json');
  writeFileSyncJson(policyFile, overrides.policy ?? FIXTURE_POLICY);
  return { root, siteDir, policyFile, dataDir: join(root, 'data') };
}

function writeFileSyncJson(file: string, value: unknown) {
  writeFileSync(file, JSON.stringify(value, null, 2));
}
