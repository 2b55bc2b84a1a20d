import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { RestrictionSet } from '../../domain/types.js';
import { isoSeconds } from '../../domain/time.js';

/**
 * The site-folder format: `site.json` (spaces, groups, users) and `pages/<SPACE>/*.md` with
 * YAML front matter and a Markdown body. This module only reads and validates; indexing is
 * src/store/site-index.ts.
 */
const SiteSchema = z.object({
  spaces: z.array(z.object({ key: z.string().min(1), name: z.string(), description: z.string().optional() })),
  groups: z.array(z.object({ name: z.string().min(1), description: z.string().optional() })).default([]),
  users: z
    .array(
      z.object({
        accountId: z.string().min(1),
        displayName: z.string().min(1),
        email: z.string().optional(),
        groups: z.array(z.string()).default([]),
      }),
    )
    .default([]),
  /** Optional: the user the server acts as when no --as is given (accountId, email or name). */
  defaultUser: z.string().optional(),
  /** Optional: base URL for page links, e.g. https://example.atlassian.net/wiki */
  baseUrl: z.string().url().optional(),
});
export type SiteDescription = z.output<typeof SiteSchema>;

const IdLike = z.union([z.string().min(1), z.number().int()]).transform(String);
const DateLike = z.union([z.string(), z.date()]).transform((value, ctx) => {
  const time = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(time)) {
    ctx.addIssue({ code: 'custom', message: `not a date: ${String(value)}` });
    return z.NEVER;
  }
  return isoSeconds(new Date(time));
});
const Principals = z.array(z.union([z.string(), z.number()]).transform(String)).nullish().transform((v) => v ?? []);

const FrontMatterSchema = z.object({
  id: IdLike,
  title: z.string().min(1),
  space: z.string().min(1),
  parentId: IdLike.nullish().transform((v) => v ?? null),
  labels: z.array(z.union([z.string(), z.number()]).transform(String)).nullish().transform((v) => v ?? []),
  created: DateLike,
  updated: DateLike,
  version: z.number().int().min(1).default(1),
  createdBy: z.string().optional(),
  lastUpdatedBy: z.string().optional(),
  owner: z.string().optional(),
  restrictions: z
    .object({ read: z.object({ groups: Principals, users: Principals }).nullish() })
    .nullish(),
});

export interface SitePage {
  id: string;
  title: string;
  spaceKey: string;
  parentId: string | null;
  labels: string[];
  created: string;
  updated: string;
  version: number;
  createdBy?: string;
  lastUpdatedBy?: string;
  owner?: string;
  /** The page's own read restriction, if any (ancestors are applied at indexing). */
  readRestriction?: RestrictionSet;
  body: string;
  /** Absolute path of the Markdown file. */
  file: string;
}

export interface LoadedSite {
  site: SiteDescription;
  pages: SitePage[];
  /** Files that could not be read, with the reason; they are skipped, not fatal. */
  problems: string[];
}

export { isoSeconds };

export function readSiteDescription(dir: string): SiteDescription {
  const file = join(dir, 'site.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  const parsed = SiteSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${file} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** Every page file under pages/, sorted, so fingerprints and ids are stable. */
export function listPageFiles(dir: string): string[] {
  const root = join(dir, 'pages');
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.md')) files.push(path);
    }
  };
  try {
    walk(root);
  } catch (error) {
    throw new Error(`cannot read ${root}: ${(error as Error).message}`);
  }
  return files.sort();
}

/** Changes whenever a page or site.json is added, removed or edited (path, size, mtime). */
export function siteFingerprint(dir: string): string {
  const hash = createHash('sha256');
  for (const file of [join(dir, 'site.json'), ...listPageFiles(dir)]) {
    const stat = statSync(file);
    hash.update(`${relative(dir, file)}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

export function splitFrontMatter(text: string): { frontMatter: string; body: string } | undefined {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  if (!normalized.startsWith('---\n')) return undefined;
  const end = normalized.indexOf('\n---', 4);
  if (end === -1) return undefined;
  const afterMarker = normalized.indexOf('\n', end + 4);
  return {
    frontMatter: normalized.slice(4, end),
    body: afterMarker === -1 ? '' : normalized.slice(afterMarker + 1),
  };
}

export function parsePageFile(file: string, text: string): SitePage {
  const parts = splitFrontMatter(text);
  if (!parts) throw new Error('no YAML front matter');
  const meta = FrontMatterSchema.safeParse(parseYaml(parts.frontMatter));
  if (!meta.success) {
    throw new Error(meta.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const m = meta.data;
  const read = m.restrictions?.read;
  const restricted = read && (read.groups.length > 0 || read.users.length > 0);
  return {
    id: m.id,
    title: m.title,
    spaceKey: m.space,
    parentId: m.parentId,
    labels: [...new Set(m.labels.map((label) => label.toLowerCase()))],
    created: m.created,
    updated: m.updated,
    version: m.version,
    createdBy: m.createdBy,
    lastUpdatedBy: m.lastUpdatedBy,
    owner: m.owner,
    readRestriction: restricted ? { users: read.users, groups: read.groups } : undefined,
    body: parts.body.replace(/^\n+/, ''),
    file,
  };
}

export function loadSiteFolder(dir: string): LoadedSite {
  const site = readSiteDescription(dir);
  const pages: SitePage[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const file of listPageFiles(dir)) {
    try {
      const page = parsePageFile(file, readFileSync(file, 'utf8'));
      if (seen.has(page.id)) throw new Error(`duplicate id ${page.id}`);
      seen.add(page.id);
      pages.push(page);
    } catch (error) {
      problems.push(`${relative(dir, file)}: ${(error as Error).message}`);
    }
  }
  return { site, pages, problems };
}
