/**
 * Confluence Data Center REST v1 replies (7.19 / 8.x / 9.x), as far as the source reads them.
 * confluence.js's v1 schemas describe Cloud (accountId users, cursor links), so Data Center gets
 * its own. Unread fields are left out: zod drops them, and nothing depends on their shape.
 */
import { z } from 'zod';

const text = z.string().nullish();

/** `{type:'known', username, userKey, displayName, …}`; `type:'anonymous'` when no login took. No accountId, no email. */
export const DcUser = z.object({
  type: z.string().nullish(),
  username: text,
  userKey: text,
  displayName: text,
});
export type DcUser = z.infer<typeof DcUser>;

/** `GET /rest/api/group/{name}`: `{type:'group', name, _links}`; groups have no ids on Data Center. */
export const DcGroup = z.object({ type: text, name: z.string() });

const DcLinks = z.object({ base: text, context: text, next: text, webui: text }).nullish();

export const DcContent = z.object({
  id: text,
  type: text,
  status: text,
  title: text,
  space: z.object({ key: text, name: text }).nullish(),
  version: z.object({ when: text, number: z.number().nullish(), by: DcUser.nullish() }).nullish(),
  history: z.object({ createdDate: text, createdBy: DcUser.nullish() }).nullish(),
  ancestors: z.array(z.object({ id: text, type: text })).nullish(),
  metadata: z.object({ labels: z.object({ results: z.array(z.object({ name: text })) }).nullish() }).nullish(),
  body: z.object({ storage: z.object({ value: text }).nullish() }).nullish(),
  _links: DcLinks,
});
export type DcContent = z.infer<typeof DcContent>;

/** `start`/`limit`/`size` and a `_links.next` relative to `_links.base` (which holds the context path). */
const paged = <T extends z.ZodType>(item: T) =>
  z.object({
    results: z.array(item),
    start: z.number().nullish(),
    limit: z.number().nullish(),
    size: z.number().nullish(),
    _links: DcLinks,
  });

export const DcSearchPage = paged(
  z.object({
    content: DcContent.nullish(),
    title: text,
    excerpt: text,
    url: text,
    lastModified: text,
  }),
);
export type DcSearchPage = z.infer<typeof DcSearchPage>;

export const DcSpacePage = paged(
  z.object({
    key: z.string(),
    name: text,
    description: z.object({ plain: z.object({ value: text }).nullish() }).nullish(),
  }),
);

/** `/rest/api/content/search`: Content rows directly (expansions without `content.`). */
export const DcContentPage = paged(DcContent);
export type DcContentPage = z.infer<typeof DcContentPage>;

const DcVersion = z.object({ number: z.number().nullish(), when: text, message: text, by: DcUser.nullish() });

/**
 * `/rest/api/content/{id}/history?expand=lastUpdated,previousVersion`: on every Data Center
 * version, but only the creation, the latest and the one before it (no full version list).
 */
export const DcHistory = z.object({
  createdBy: DcUser.nullish(),
  createdDate: text,
  lastUpdated: DcVersion.nullish(),
  previousVersion: DcVersion.nullish(),
});
export type DcHistory = z.infer<typeof DcHistory>;
