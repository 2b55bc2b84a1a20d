import { createStaticResolver, type StaticSite } from './static-resolver.js';

/**
 * The small site the rule evaluation resolves against (eval/rules.cases.jsonl refers to it).
 * "Decisions" exists in two spaces on purpose: global scope must leave it ambiguous, space
 * scope must pick the current space.
 */
export const EVAL_SITE: StaticSite = {
  spaces: [
    { key: 'ENG', name: 'Engineering' },
    { key: 'HR', name: 'Human Resources' },
    { key: 'MKT', name: 'Marketing' },
    { key: 'IT', name: 'IT Support' },
    { key: 'ARCH', name: 'Archive' },
    { key: 'TPL', name: 'Templates' },
    { key: 'LEGAL', name: 'Legal' },
  ],
  pages: [
    { id: '1001', title: 'Decisions', spaceKey: 'ENG' },
    { id: '1002', title: 'Decisions', spaceKey: 'HR' },
    { id: '1003', title: 'Meeting notes', spaceKey: 'ENG' },
    { id: '1004', title: 'Policies', spaceKey: 'HR' },
    { id: '1005', title: 'Old projects', spaceKey: 'ENG' },
    { id: '1006', title: 'Release notes', spaceKey: 'ENG' },
    { id: '1007', title: 'Archive', spaceKey: 'ARCH' },
    { id: '1008', title: 'Onboarding', spaceKey: 'HR' },
    { id: '1009', title: 'Campaigns', spaceKey: 'MKT' },
    { id: '1010', title: 'Runbooks', spaceKey: 'IT' },
  ],
  users: [
    { accountId: 'u-jane', displayName: 'Jane Doe', email: 'jane.doe@example.com' },
    { accountId: 'u-john', displayName: 'John Smith', email: 'john.smith@example.com' },
    { accountId: 'u-alex1', displayName: 'Alex Kim', email: 'alex.kim@example.com' },
    { accountId: 'u-alex2', displayName: 'Alex Kim', email: 'akim@example.com' },
    { accountId: 'u-priya', displayName: 'Priya Patel', email: 'priya.patel@example.com' },
  ],
  groups: [{ name: 'legal' }, { name: 'marketing' }, { name: 'confluence-users' }, { name: 'hr-team' }],
};

export const evalResolver = () => createStaticResolver(EVAL_SITE);
