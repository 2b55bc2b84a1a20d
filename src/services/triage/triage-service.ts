import type { PolicyGate } from '../../../policies/gate.js';
import { staleAfterDays } from '../../../policies/policy-schema.js';
import type { Page, PageMeta } from '../../domain/types.js';
import { PageNotFoundError, StewardError } from '../../errors.js';
import { markdownToPlainText } from '../../text/markdown.js';
import { tokenize } from '../../text/terms.js';
import { mapBounded } from '../answers/page-cache.js';
import { splitSentences } from '../answers/passages.js';
import { ageInDays } from '../answers/staleness.js';
import { findConflicts } from '../compare/conflicts.js';
import { extractFacts, subjectTerms } from '../compare/facts.js';
import type { Services } from '../services.js';
import { emptySections, expiredStatements, internalLinks, onlyHeadings, pastYearInTitle, placeholdersIn } from './content-signals.js';
import { type Finding, type FindingKind, findingPage, jiraSuggestion } from './findings.js';
import { estimatedJaccard, lshCandidatePairs, shingleHashes, signature } from './minhash.js';

export interface TriageRequest {
  spaces?: string[];
  pageIds?: string[];
  checks: FindingKind[];
  staleAfterDays?: number;
  limit: number;
  draft: boolean;
}

export interface TriageResult {
  scanned: number;
  findings: Finding[];
  summary: { byKind: Record<FindingKind, number>; bySeverity: Record<string, number>; truncated: boolean; drafted: number[]; notes: string[] };
}

interface Digest {
  meta: PageMeta;
  sig?: Uint32Array;
  facts: { text: string; subject: string[] }[];
  links: string[];
}

const TOOL = 'flag_stale';
const BATCH = 64;
const FETCH_CONCURRENCY = 4;
const MAX_FACT_SENTENCES = 60;
const DUPLICATE_THRESHOLD = 0.6;
const COMMON_TERM_CAP = 200;
/** Sum of ln(N/df) over the shared subject words: about three words each in under 5% of fact sentences. */
const MIN_SPECIFICITY = 9;
const SEVERITY_RANK = { high: 0, medium: 1, low: 2 };

class Cancelled extends StewardError {
  constructor() {
    super('The scan was cancelled; nothing was drafted.', 'cancelled');
  }
}

/**
 * Page triage: reads every page the user may read in scope (through the gate, bounded
 * parallel fetches, page cache), keeps a small digest per page (MinHash signature, fact
 * sentences, links) so memory stays bounded, reports stale and incomplete pages as it goes,
 * then near-duplicates (LSH, no all-pairs) and conflicts (the same comparison
 * answer_with_sources uses). It never edits; with `draft` it queues Jira drafts.
 */
export async function triagePages(
  gate: PolicyGate,
  services: Services,
  request: TriageRequest,
  progress: (done: number, total?: number, message?: string) => Promise<void>,
  signal: AbortSignal,
): Promise<TriageResult> {
  const now = services.now();
  const checks = new Set(request.checks);
  const findings: Finding[] = [];
  const digests: Digest[] = [];
  const notes: string[] = [];

  const metas: PageMeta[] = [];
  if (request.pageIds?.length) {
    for (const id of request.pageIds) {
      try {
        metas.push(await gate.readPage(TOOL, id));
      } catch (error) {
        if (!(error instanceof PageNotFoundError)) throw error;
        notes.push(`Page ${id} was not found.`);
      }
    }
  } else {
    for await (const meta of gate.listPages(TOOL, { spaces: request.spaces })) metas.push(meta);
  }
  const total = metas.length;

  for (let start = 0; start < metas.length; start += BATCH) {
    if (signal.aborted) throw new Cancelled();
    const batch = metas.slice(start, start + BATCH);
    const pages = await mapBounded(batch, FETCH_CONCURRENCY, (meta) => readCached(gate, services, meta));
    for (const page of pages) {
      if (!page) continue;
      findings.push(...pageFindings(page, gate, checks, request.staleAfterDays, now));
      digests.push(digest(page, checks));
    }
    await progress(Math.min(start + BATCH, total), total, `scanned ${Math.min(start + BATCH, total)} of ${total} pages`);
  }

  if (checks.has('stale')) findings.push(...(await brokenLinkFindings(gate, digests)));
  if (checks.has('duplicate')) findings.push(...duplicateFindings(digests));
  if (signal.aborted) throw new Cancelled();
  if (checks.has('conflicting')) findings.push(...conflictFindings(digests));

  findings.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.kind.localeCompare(b.kind));
  const shown = findings.slice(0, request.limit).map((finding) => draftableSuggestion(gate, finding));
  const drafted: number[] = [];
  if (request.draft) {
    for (const finding of shown) {
      try {
        drafted.push(await draftFinding(gate, services, finding));
      } catch (error) {
        if (!(error instanceof StewardError)) throw error;
        notes.push(`Stopped drafting: ${error.message}`);
        break;
      }
    }
  }
  const byKind = { stale: 0, duplicate: 0, incomplete: 0, conflicting: 0 };
  const bySeverity: Record<string, number> = { high: 0, medium: 0, low: 0 };
  for (const f of findings) {
    byKind[f.kind]++;
    bySeverity[f.severity]++;
  }
  return { scanned: digests.length, findings: shown, summary: { byKind, bySeverity, truncated: findings.length > shown.length, drafted, notes } };
}

async function readCached(gate: PolicyGate, services: Services, meta: PageMeta): Promise<Page | undefined> {
  const cached = services.pageCache.get(meta.id, meta.version);
  if (cached) return cached.page;
  try {
    return services.pageCache.put(await gate.readPage(TOOL, meta.id)).page;
  } catch (error) {
    if (error instanceof PageNotFoundError) return undefined;
    throw error;
  }
}

function pageFindings(page: Page, gate: PolicyGate, checks: Set<FindingKind>, override: number | undefined, now: Date): Finding[] {
  const out: Finding[] = [];
  if (checks.has('stale')) {
    const threshold = override ?? staleAfterDays(gate.policy, page.spaceKey);
    const age = ageInDays(page.updated, now);
    const expired = expiredStatements(page.body, now);
    const titleYear = pastYearInTitle(page.title, now);
    if (age > threshold || expired.length > 0 || titleYear) {
      const reasons = [
        age > threshold ? `last updated ${page.updated.slice(0, 10)}, ${age} days ago (threshold ${threshold})` : '',
        expired.length ? `text presents passed dates as current: ${expired.map((e) => `"${e}"`).join(', ')}` : '',
        titleYear ? `the title names ${titleYear}` : '',
      ].filter(Boolean);
      const severity = age > 2 * threshold || expired.length > 0 ? 'high' : 'medium';
      out.push({
        kind: 'stale',
        severity,
        pages: [findingPage(page)],
        evidence: { summary: reasons.join('; '), ageDays: age, dates: expired },
        suggestedAction:
          age > 3 * threshold
            ? jiraSuggestion(
                'stale',
                `Archive or update outdated page: ${page.title}`,
                `This page looks long out of date: ${reasons.join('; ')}. Please archive it, or update it and confirm it is current.`,
                [page],
                'The page owner archives the page in Confluence, or updates it; no tool here edits or archives pages.',
              )
            : jiraSuggestion(
                'stale',
                `Review outdated page: ${page.title}`,
                `This page looks out of date: ${reasons.join('; ')}. Please confirm it is current, update it, or archive it.`,
                [page],
                'The page owner confirms, updates or archives the page in Confluence; no tool here edits pages.',
              ),
      });
    }
  }
  if (checks.has('incomplete')) {
    const placeholders = placeholdersIn(page.body);
    const empty = emptySections(page.body);
    const bare = onlyHeadings(page.body);
    if (bare || placeholders.length > 0 || empty.length > 0) {
      const reasons = [
        bare ? 'the page has no content besides its heading' : '',
        placeholders.length ? `placeholders: ${placeholders.map((p) => `"${p}"`).join(', ')}` : '',
        empty.length ? `empty sections: ${empty.map((h) => `"${h}"`).join(', ')}` : '',
      ].filter(Boolean);
      out.push({
        kind: 'incomplete',
        severity: bare ? 'high' : placeholders.length ? 'medium' : 'low',
        pages: [findingPage(page)],
        evidence: { summary: reasons.join('; '), placeholders },
        suggestedAction: bare
          ? jiraSuggestion(
              'incomplete',
              `Write or remove empty page: ${page.title}`,
              'The page has only a heading. Please write it or archive it.',
              [page],
              'The page owner writes the page in Confluence, or archives it; no tool here edits pages.',
            )
          : jiraSuggestion(
              'incomplete',
              `Complete page: ${page.title}`,
              `The page is unfinished: ${reasons.join('; ')}. Please fill in the missing parts.`,
              [page],
              'The page owner fills in the missing parts in Confluence (a person may also label it "incomplete" meanwhile); no tool here edits or labels pages.',
            ),
      });
    }
  }
  return out;
}

function digest(page: Page, checks: Set<FindingKind>): Digest {
  const d: Digest = { meta: stripBody(page), facts: [], links: checks.has('stale') ? internalLinks(page.body) : [] };
  if (checks.has('duplicate')) d.sig = signature(shingleHashes(tokenize(page.body)));
  if (checks.has('conflicting')) {
    const text = markdownToPlainText(page.body);
    for (const line of text.split('\n')) {
      for (const sentence of splitSentences(line)) {
        if (d.facts.length >= MAX_FACT_SENTENCES) break;
        if (extractFacts(sentence).length > 0) d.facts.push({ text: sentence, subject: [...subjectTerms(sentence)] });
      }
    }
  }
  return d;
}

function stripBody(page: Page): PageMeta {
  const { body: _body, ...meta } = page;
  return meta;
}

async function brokenLinkFindings(gate: PolicyGate, digests: Digest[]): Promise<Finding[]> {
  const known = new Set(digests.map((d) => d.meta.id));
  const checked = new Map<string, boolean>();
  const out: Finding[] = [];
  for (const d of digests) {
    const broken: string[] = [];
    for (const id of d.links) {
      if (known.has(id)) continue;
      if (!checked.has(id)) {
        checked.set(id, await gate.readPage(TOOL, id).then(() => true, (e: unknown) => (e instanceof PageNotFoundError ? false : Promise.reject(e))));
      }
      if (!checked.get(id)) broken.push(id);
    }
    if (broken.length > 0) {
      out.push({
        kind: 'stale',
        // Low: from this user's side a deleted page and one they may not read look the same.
        severity: 'low',
        pages: [findingPage(d.meta)],
        evidence: { summary: `links to page ${broken.join(', ')}, which this user cannot open (deleted, moved or restricted)` },
        suggestedAction: jiraSuggestion(
          'stale',
          `Fix broken links on ${d.meta.title}`,
          `The page links to page ${broken.join(', ')}, which cannot be opened (deleted, moved or restricted). Please fix or remove the link.`,
          [d.meta],
          'An editor of the page fixes or removes the link in Confluence; no tool here edits pages.',
        ),
      });
    }
  }
  return out;
}

function duplicateFindings(digests: Digest[]): Finding[] {
  const out: Finding[] = [];
  const withSig = digests.filter((d) => d.sig);
  for (const [a, b] of lshCandidatePairs(withSig.map((d) => ({ key: d, sig: d.sig! })))) {
    const similarity = estimatedJaccard(a.sig!, b.sig!);
    if (similarity < DUPLICATE_THRESHOLD) continue;
    out.push({
      kind: 'duplicate',
      severity: similarity >= 0.85 ? 'high' : 'medium',
      pages: [findingPage(a.meta), findingPage(b.meta)],
      evidence: { summary: `bodies are ${Math.round(similarity * 100)}% similar (MinHash estimate over 3-word shingles)`, similarity: round(similarity) },
      suggestedAction: mergeSuggestion(a.meta, b.meta, Math.round(similarity * 100)),
    });
  }
  const byTitle = new Map<string, Digest[]>();
  for (const d of digests) {
    const key = d.meta.title.trim().toLowerCase();
    const group = byTitle.get(key);
    if (group) group.push(d);
    else byTitle.set(key, [d]);
  }
  for (const group of byTitle.values()) {
    const spaces = new Set(group.map((d) => d.meta.spaceKey));
    if (group.length < 2 || spaces.size < 2) continue;
    out.push({
      kind: 'duplicate',
      severity: 'low',
      pages: group.map((d) => findingPage(d.meta)),
      evidence: { summary: `the same title "${group[0].meta.title}" is used in spaces ${[...spaces].join(', ')}` },
      suggestedAction: jiraSuggestion(
        'duplicate',
        `Rename or merge pages titled "${group[0].meta.title}"`,
        `Spaces ${[...spaces].join(', ')} each have a page titled "${group[0].meta.title}" (${group.map((d) => `page ${d.meta.id} in ${d.meta.spaceKey}`).join(', ')}). Please merge them, or rename them so readers can tell them apart.`,
        group.map((d) => d.meta),
        'The page owners merge or rename the pages in Confluence; no tool here edits pages.',
      ),
    });
  }
  return out;
}

/**
 * Conflicts without comparing every pair: fact-bearing sentences are indexed by their subject
 * words, and only sentences from different pages sharing several uncommon words are compared.
 */
function conflictFindings(digests: Digest[]): Finding[] {
  const sentences = digests.flatMap((d) => d.facts.map((f) => ({ page: d.meta, ...f })));
  const postings = new Map<string, number[]>();
  sentences.forEach((s, index) => {
    for (const term of s.subject) {
      const list = postings.get(term);
      if (list) list.push(index);
      else postings.set(term, [index]);
    }
  });
  const byPair = new Map<string, Finding>();
  sentences.forEach((s, i) => {
    const counts = new Map<number, number>();
    for (const term of s.subject) {
      const list = postings.get(term)!;
      if (list.length > COMMON_TERM_CAP) continue;
      for (const j of list) if (j > i && sentences[j].page.id !== s.page.id) counts.set(j, (counts.get(j) ?? 0) + 1);
    }
    for (const [j, shared] of counts) {
      if (shared < 3) continue;
      const other = sentences[j];
      // Site-wide, sharing words is not enough: the shared words must be specific ones.
      const specificity = s.subject.filter((t) => other.subject.includes(t)).reduce((sum, t) => sum + Math.log(sentences.length / postings.get(t)!.length), 0);
      if (specificity < MIN_SPECIFICITY) continue;
      const conflicts = findConflicts([{ pageId: s.page.id, text: s.text }, { pageId: other.page.id, text: other.text }], { minShared: 3, minJaccard: 0.3 });
      if (conflicts.length === 0) continue;
      const key = [s.page.id, other.page.id].sort().join('|');
      const existing = byPair.get(key);
      if (existing) {
        existing.evidence.statements!.push(...conflicts[0].statements);
        continue;
      }
      const pages = [s.page, other.page];
      byPair.set(key, {
        kind: 'conflicting',
        severity: 'high',
        pages: pages.map(findingPage),
        evidence: { summary: `the pages state different facts about ${conflicts[0].subject}`, statements: [...conflicts[0].statements] },
        suggestedAction: jiraSuggestion(
          'conflicting',
          `Reconcile conflicting pages: ${s.page.title} / ${other.page.title}`,
          `These pages disagree (${conflicts[0].subject}). Please agree on the current process and update or retire one of them.`,
          pages,
          'The page owners agree on the facts and update or archive one page in Confluence; no tool here edits pages.',
        ),
      });
    }
  });
  for (const finding of byPair.values()) finding.evidence.statements = finding.evidence.statements!.slice(0, 4);
  return [...byPair.values()];
}

/** Near-duplicates: keep the newer page, merge the other into it. */
function mergeSuggestion(a: PageMeta, b: PageMeta, percent: number) {
  const keep = newer(a, b);
  const other = keep === a ? b : a;
  return jiraSuggestion(
    'duplicate',
    `Merge duplicate pages: ${a.title} / ${b.title}`,
    `These pages are ${percent}% alike. Please merge "${other.title}" (page ${other.id}) into the newer "${keep.title}" (page ${keep.id}) and archive it, or say why both are needed.`,
    [a, b],
    'The page owners merge the pages in Confluence and archive one; no tool here edits or archives pages.',
  );
}

/**
 * Only pages in the policy's draftable spaces go into a suggested draft_jira call (the
 * tool refuses others), so the suggestion can be called as it is.
 */
function draftableSuggestion(gate: PolicyGate, finding: Finding): Finding {
  const spaceOf = new Map(finding.pages.map((p) => [p.pageId, p.space]));
  const pageIds = finding.suggestedAction.arguments.pageIds.filter((id) => gate.isDraftableSpace(spaceOf.get(id) ?? ''));
  return { ...finding, suggestedAction: { ...finding.suggestedAction, arguments: { ...finding.suggestedAction.arguments, pageIds } } };
}

/** draft=true makes exactly the suggested call. */
async function draftFinding(gate: PolicyGate, services: Services, finding: Finding): Promise<number> {
  const { draft } = await services.drafts.draftJira(gate, finding.suggestedAction.arguments);
  return draft.id;
}

function newer(a: PageMeta, b: PageMeta): PageMeta {
  return a.updated >= b.updated ? a : b;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export const ALL_CHECKS: FindingKind[] = ['stale', 'duplicate', 'incomplete', 'conflicting'];
