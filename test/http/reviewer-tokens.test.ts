import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/console/auth.js';
import { runCli } from '../support/cli.js';
import { FIXTURE_POLICY, USERS, writeFixture } from '../support/fixture-site.js';

/** The tokens file and the policy must agree (issue 12): a reviewer token for someone outside review.reviewers refuses the start. */
describe('serve --http with reviewer tokens', () => {
  it('refuses to start when a reviewer token names someone the policy does not name as a reviewer', async () => {
    const fixture = writeFixture({ policy: { ...FIXTURE_POLICY, review: { reviewers: { users: [USERS.hr.accountId] } } } });
    const file = join(fixture.root, 'tokens.json');
    writeFileSync(file, JSON.stringify([
      { tokenSha256: sha256Hex('hr'), user: USERS.hr.email, role: 'reviewer' },
      { tokenSha256: sha256Hex('lee'), user: USERS.lead.email, role: 'reviewer' },
      { tokenSha256: sha256Hex('erin'), user: USERS.employee.email, role: 'agent' },
    ]));
    const result = await runCli(['serve', '--http', '--port', '0', '--tokens', file, '--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot start: the tokens file and the policy disagree: Lee Lead \(acc-lead\) has role reviewer in the tokens file, but is not in review\.reviewers/);
    expect(result.stderr).not.toContain('Erin');
  }, 30_000);
});
