/**
 * Corporate networks put Confluence and Jira (Data Center above all) behind an HTTP proxy. Node's
 * fetch — which confluence.js, jira.js, the Data Center transport and the embeddings client all
 * use — ignores HTTPS_PROXY / HTTP_PROXY / NO_PROXY, so when one is set every request goes
 * through undici's EnvHttpProxyAgent, installed as the global dispatcher; it reads the same
 * variables (either case) and NO_PROXY's hosts, domains (`.corp.example`) and ports the usual
 * way. Loaded only when a proxy is configured, so a start without one pays nothing.
 */
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'] as const;

/** Installs the proxy when the environment names one; returns the variable used, for the start-up line. */
export async function useProxyFromEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const variable = PROXY_VARIABLES.find((name) => (env[name] ?? '').trim() !== '');
  if (!variable) return undefined;
  const { EnvHttpProxyAgent, setGlobalDispatcher } = await import('undici');
  setGlobalDispatcher(new EnvHttpProxyAgent());
  return variable;
}
