/**
 * Which Confluence and Jira the environment selects: Cloud or Data Center, and with which
 * credentials. Decided from the variables alone (no probe); contradictions are refused clearly.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';

const source = (env: NodeJS.ProcessEnv) => resolveConfig({}, env).source;
const jira = (env: NodeJS.ProcessEnv) => resolveConfig({}, env).jira;

describe('Confluence deployment', () => {
  it('a personal access token means Data Center, sent as Bearer; the context path is kept', () => {
    expect(source({ CONFLUENCE_URL: 'https://example.com/confluence/', CONFLUENCE_PERSONAL_TOKEN: 'pat' })).toEqual({
      kind: 'confluence',
      deployment: 'datacenter',
      baseUrl: 'https://example.com/confluence',
      auth: { type: 'bearer', token: 'pat' },
    });
  });

  it('CONFLUENCE_DEPLOYMENT=datacenter with username and password is basic auth', () => {
    expect(source({ CONFLUENCE_URL: 'https://wiki.example.com', CONFLUENCE_DEPLOYMENT: 'datacenter', CONFLUENCE_USERNAME: 'jdoe', CONFLUENCE_PASSWORD: 'pw' })).toMatchObject({
      deployment: 'datacenter',
      auth: { type: 'basic', username: 'jdoe', password: 'pw' },
    });
    expect(source({ CONFLUENCE_URL: 'https://wiki.example.com', CONFLUENCE_DEPLOYMENT: 'DataCenter', CONFLUENCE_USERNAME: 'jdoe', CONFLUENCE_API_TOKEN: 'pw' })).toMatchObject({
      auth: { type: 'basic', username: 'jdoe', password: 'pw' },
    });
  });

  it('email + API token stays Cloud, on any host', () => {
    expect(source({ CONFLUENCE_URL: 'https://x.atlassian.net', CONFLUENCE_USERNAME: 'a@b.c', CONFLUENCE_API_TOKEN: 't' })).toEqual({
      kind: 'confluence',
      deployment: 'cloud',
      baseUrl: 'https://x.atlassian.net',
      email: 'a@b.c',
      apiToken: 't',
    });
  });

  it('refuses contradictions and half configurations, naming the variables', () => {
    expect(() => source({ CONFLUENCE_URL: 'https://x.atlassian.net', CONFLUENCE_PERSONAL_TOKEN: 'pat' })).toThrow(/Atlassian Cloud site.*Data Center/);
    expect(() => source({ CONFLUENCE_URL: 'https://w.example.com', CONFLUENCE_DEPLOYMENT: 'cloud', CONFLUENCE_PERSONAL_TOKEN: 'pat' })).toThrow(/CONFLUENCE_PERSONAL_TOKEN is a Data Center credential/);
    expect(() => source({ CONFLUENCE_PERSONAL_TOKEN: 'pat' })).toThrow(/set CONFLUENCE_URL and CONFLUENCE_PERSONAL_TOKEN/);
    expect(() => source({ CONFLUENCE_URL: 'https://w.example.com', CONFLUENCE_PERSONAL_TOKEN: 'pat', CONFLUENCE_USERNAME: 'jdoe' })).toThrow(/either CONFLUENCE_PERSONAL_TOKEN or/);
    expect(() => source({ CONFLUENCE_URL: 'https://w.example.com', CONFLUENCE_DEPLOYMENT: 'server' })).toThrow(/CONFLUENCE_DEPLOYMENT must be cloud or datacenter/);
    expect(() => source({ CONFLUENCE_URL: 'https://w.example.com' })).toThrow(/Confluence is partly configured: set all of CONFLUENCE_URL, CONFLUENCE_USERNAME and CONFLUENCE_API_TOKEN/);
    // A secret never appears in a message.
    expect(() => source({ CONFLUENCE_URL: 'https://x.atlassian.net', CONFLUENCE_PERSONAL_TOKEN: 'very-secret-pat' })).not.toThrow(/very-secret-pat/);
  });

  it('a site folder wins over Confluence variables, as before', () => {
    expect(resolveConfig({ site: '/tmp/site' }, { CONFLUENCE_PERSONAL_TOKEN: 'pat' }).source.kind).toBe('local');
  });
});

describe('Jira deployment', () => {
  it('JIRA_PERSONAL_TOKEN means Jira Data Center; the timeout still applies', () => {
    expect(jira({ JIRA_URL: 'https://example.com/jira', JIRA_PERSONAL_TOKEN: 'pat', STEWARD_JIRA_TIMEOUT_MS: '5000' })).toEqual({
      deployment: 'datacenter',
      baseUrl: 'https://example.com/jira',
      auth: { type: 'bearer', token: 'pat' },
      timeoutMs: 5000,
    });
  });

  it('Cloud stays email + API token, and half a Jira is refused', () => {
    expect(jira({ JIRA_URL: 'https://x.atlassian.net', JIRA_USERNAME: 'a@b.c', JIRA_API_TOKEN: 't' })).toMatchObject({ deployment: 'cloud', email: 'a@b.c' });
    expect(() => jira({ JIRA_URL: 'https://x.atlassian.net' })).toThrow(/Jira is partly configured: set all of JIRA_URL, JIRA_USERNAME and JIRA_API_TOKEN \(or none, for the outbox\)/);
    expect(() => jira({ JIRA_PASSWORD: 'pw' })).toThrow(/for Jira Data Center set JIRA_URL and JIRA_PERSONAL_TOKEN/);
  });
});
