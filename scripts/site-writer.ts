import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * Writes a site folder (site.json + pages/<SPACE>/*.md) from a description. Shared by tests,
 * the synthetic benchmark site and evaluations, so they all exercise the real loader.
 */
export interface WrittenPage {
  id: string;
  title: string;
  space: string;
  parentId?: string | null;
  labels?: string[];
  created?: string;
  updated?: string;
  version?: number;
  createdBy?: string;
  lastUpdatedBy?: string;
  owner?: string;
  restrictions?: { read: { groups?: string[]; users?: string[] } };
  body: string;
  slug?: string;
}

export interface WrittenSite {
  spaces: { key: string; name: string; description?: string }[];
  groups?: { name: string; description?: string }[];
  users?: { accountId: string; displayName: string; email?: string; groups: string[] }[];
  defaultUser?: string;
  /** The site's Confluence address; page URLs hang under it (relative without it). */
  baseUrl?: string;
  pages: WrittenPage[];
}

export function writeSite(dir: string, site: WrittenSite): string {
  mkdirSync(join(dir, 'pages'), { recursive: true });
  const { pages, ...description } = site;
  writeFileSync(join(dir, 'site.json'), JSON.stringify({ groups: [], users: [], ...description }, null, 2));
  for (const page of pages) {
    const folder = join(dir, 'pages', page.space);
    mkdirSync(folder, { recursive: true });
    const frontMatter: Record<string, unknown> = {
      id: page.id,
      title: page.title,
      space: page.space,
      parentId: page.parentId ?? null,
      labels: page.labels ?? [],
      created: page.created ?? '2026-01-01T00:00:00Z',
      updated: page.updated ?? '2026-10-01T00:00:00Z',
      version: page.version ?? 1,
      createdBy: page.createdBy ?? 'u-author',
      lastUpdatedBy: page.lastUpdatedBy ?? page.createdBy ?? 'u-author',
      owner: page.owner ?? page.createdBy ?? 'u-author',
    };
    if (page.restrictions) frontMatter.restrictions = page.restrictions;
    const slug = page.slug ?? `page-${page.id}`;
    writeFileSync(join(folder, `${slug}.md`), `---\n${stringify(frontMatter)}---\n\n${page.body}\n`);
  }
  return dir;
}
