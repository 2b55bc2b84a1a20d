import type { PolicyGate } from '../../../policies/gate.js';
import { staleAfterDays } from '../../../policies/policy-schema.js';
import type { Page } from '../../domain/types.js';
import { PageNotFoundError } from '../../errors.js';
import { contentTerms } from '../../text/terms.js';
import { type Conflict, findConflicts } from '../compare/conflicts.js';
import type { Services } from '../services.js';
import { type NumberedPassage, SAMPLING_SYSTEM_PROMPT, cleanPassageText, composeExtractive, samplingPrompt, verifySampledAnswer } from './compose.js';
import { mapBounded } from './page-cache.js';
import { rankPassages, selectDiverse } from './rank-passages.js';
import { ageInDays, isStale } from './staleness.js';

export type AnswerStatus = 'answered' | 'conflicting_sources' | 'insufficient_evidence' | 'no_permitted_content';

export interface Citation {
  n: number;
  pageId: string;
  title: string;
  space: string;
  url: string;
  updated: string;
  version: number;
  passage: string;
  stale: boolean;
}

export interface FollowUp {
  tool: 'draft_jira';
  arguments: { summary: string; description: string; question: string; pageIds: string[] };
  likelyOwner: string | null;
}

export interface AnswerResult {
  status: AnswerStatus;
  answer: string | null;
  citations: Citation[];
  conflicts: Conflict[];
  warnings: string[];
  followUp: FollowUp | null;
  generator: 'sampling' | 'extractive' | 'none';
}

export interface AnswerRequest {
  question: string;
  spaces?: string[];
  maxSources: number;
  sample?: (request: { system: string; prompt: string; maxTokens: number }) => Promise<string>;
}

const CANDIDATE_PAGES = 6;
/** All candidates in one parallel round: one search plus one fetch round per answer. */
const FETCH_CONCURRENCY = CANDIDATE_PAGES;
const PASSAGE_CHARS = 500;
const TOOL = 'answer_with_sources';

/**
 * Question in, grounded answer out — or an honest no. Candidates come from the gate's search
 * (already scoped to this user and policy), bodies through the gate (cached per page
 * version), and the answer only ever quotes or paraphrases the numbered passages.
 */
export async function answerQuestion(gate: PolicyGate, services: Services, request: AnswerRequest): Promise<AnswerResult> {
  const started = performance.now();
  const result = await buildAnswer(gate, services, request);
  services.questions.record({
    actor: gate.identity.accountId,
    question: request.question,
    status: result.status,
    citedPageIds: [...new Set(result.citations.map((c) => c.pageId))],
    staleCited: result.citations.filter((c) => c.stale).length,
    spaces: gate.readSpaces(request.spaces),
    generator: result.generator,
    latencyMs: performance.now() - started,
  });
  return result;
}

async function buildAnswer(gate: PolicyGate, services: Services, request: AnswerRequest): Promise<AnswerResult> {
  const now = services.now();
  const candidates = await gate.searchPages(TOOL, { text: request.question, spaces: request.spaces, limit: CANDIDATE_PAGES });
  if (candidates.length === 0) {
    return unanswered('no_permitted_content', request.question, [], gate, [
      'Nothing in the spaces you can read matches this question.',
    ]);
  }

  const fetched = await mapBounded(candidates, FETCH_CONCURRENCY, async (candidate) => {
    const cached = services.pageCache.get(candidate.id, candidate.version);
    if (cached) return cached;
    try {
      return services.pageCache.put(await gate.readPage(TOOL, candidate.id));
    } catch (error) {
      // A page that vanished (or lost permission) between search and fetch is simply skipped.
      if (error instanceof PageNotFoundError) return undefined;
      throw error;
    }
  });
  const pages = new Map<string, Page>();
  const passages = fetched.flatMap((entry) => {
    if (!entry) return [];
    pages.set(entry.page.id, entry.page);
    return entry.passages;
  });

  const { ranked, weights } = rankPassages(request.question, passages);
  const floor = gate.policy.answers.relevanceFloor;
  const chosen = selectDiverse(ranked, request.maxSources, floor);
  // Fails closed: no passage covers enough of what the question asks.
  if (chosen.length === 0) {
    const near = ranked.slice(0, 3).map((r) => pages.get(r.passage.pageId)!).filter(Boolean);
    return unanswered('insufficient_evidence', request.question, near, gate, [
      'The pages you can read mention parts of this question but none answers it.',
    ]);
  }

  const warnings: string[] = [];
  const numbered: NumberedPassage[] = [];
  const citations: Citation[] = chosen.map((ranking, index) => {
    const n = index + 1;
    const page = pages.get(ranking.passage.pageId)!;
    const cleaned = cleanPassageText(ranking.passage.text);
    if (cleaned.removed) warnings.push(`Source [${n}] contains text addressed to AI assistants; it was treated as data and left out.`);
    numbered.push({ n, title: page.title, heading: ranking.passage.heading, text: cleaned.text });
    const threshold = staleAfterDays(gate.policy, page.spaceKey);
    const stale = isStale(page.updated, threshold, now);
    if (stale) {
      warnings.push(
        `Source [${n}] "${page.title}" was last updated ${page.updated.slice(0, 10)} (${ageInDays(page.updated, now)} days ago; the ${page.spaceKey} space treats pages older than ${threshold} days as stale).`,
      );
    }
    if (ranking.coverage < floor + 0.1) warnings.push(`Source [${n}] only partly matches the question.`);
    return {
      n,
      pageId: page.id,
      title: page.title,
      space: page.spaceKey,
      url: page.url,
      updated: page.updated,
      version: page.version,
      passage: clipPassage(cleaned.text),
      stale,
    };
  });

  const focus = new Set(contentTerms(request.question));
  const conflicts = findConflicts(
    numbered.map((p) => ({ pageId: citations[p.n - 1].pageId, text: p.text })),
    focus,
  );

  let answer: string | null = null;
  let generator: AnswerResult['generator'] = 'extractive';
  if (request.sample) {
    try {
      const reply = await request.sample({ system: SAMPLING_SYSTEM_PROMPT, prompt: samplingPrompt(request.question, numbered), maxTokens: 400 });
      const verified = verifySampledAnswer(reply, request.question, numbered);
      if (verified.declined) {
        return unanswered('insufficient_evidence', request.question, [...pages.values()], gate, [
          'The passages found do not answer this question.',
        ], 'sampling');
      }
      if (verified.answer) {
        answer = verified.answer;
        generator = 'sampling';
        if (verified.dropped > 0) warnings.push(`${verified.dropped} sentence(s) of the model's answer had no valid citation or support and were removed.`);
      } else {
        warnings.push("The model's answer could not be verified against the sources; showing extracts instead.");
      }
    } catch {
      warnings.push('The client model could not be asked; showing extracts instead.');
    }
  }
  answer ??= composeExtractive(numbered, weights, request.question);
  if (answer === null) {
    return unanswered('insufficient_evidence', request.question, [...pages.values()], gate, ['No sentence in the passages answers this question.']);
  }

  if (conflicts.length > 0) {
    const lines = conflicts.map((conflict) => {
      const cited = conflict.statements.map((s) => `"${s.text}" [${citations.find((c) => c.pageId === s.pageId)!.n}]`);
      return `- ${conflict.subject}: ${cited.join(' vs. ')}`;
    });
    answer += `\n\n**The sources disagree**; check with the page owners before relying on either:\n${lines.join('\n')}`;
  }

  const status: AnswerStatus = conflicts.length > 0 ? 'conflicting_sources' : 'answered';
  const needsFollowUp = status !== 'answered' || citations.some((c) => c.stale);
  const affected = [
    ...new Set([...conflicts.flatMap((c) => c.statements.map((s) => s.pageId)), ...citations.filter((c) => c.stale).map((c) => c.pageId)]),
  ].map((id) => pages.get(id)!);
  return {
    status,
    answer,
    citations,
    conflicts,
    warnings,
    followUp: needsFollowUp ? followUpFor(request.question, affected, gate, conflicts.length > 0 ? 'conflicting' : 'stale') : null,
    generator,
  };
}

function unanswered(
  status: AnswerStatus,
  question: string,
  nearPages: Page[],
  gate: PolicyGate,
  warnings: string[],
  generator: AnswerResult['generator'] = 'none',
): AnswerResult {
  return {
    status,
    answer: null,
    citations: [],
    conflicts: [],
    warnings,
    followUp: followUpFor(question, nearPages, gate, 'missing'),
    generator,
  };
}

/**
 * Ready-to-use draft_jira arguments. Only pages in the draft allowlist are named (draft_jira
 * would refuse others), and only pages this user could read (the caller passes no others).
 */
function followUpFor(question: string, pages: Page[], gate: PolicyGate, gap: 'missing' | 'conflicting' | 'stale'): FollowUp {
  const draftable = pages.filter((page) => gate.isDraftableSpace(page.spaceKey));
  const shortQuestion = question.length > 80 ? `${question.slice(0, 77)}…` : question;
  const summary = {
    missing: `Documentation gap: ${shortQuestion}`,
    conflicting: `Conflicting documentation: ${shortQuestion}`,
    stale: `Outdated documentation: ${shortQuestion}`,
  }[gap];
  const description = {
    missing: 'An agent could not answer this question from the documentation its user can read. Please add or point to the page that answers it.',
    conflicting: 'Pages that answer this question disagree with each other. Please reconcile them so that one page states the current process.',
    stale: 'The pages that answer this question have not been updated within the review period. Please confirm they are current or update them.',
  }[gap];
  const first = draftable[0];
  return {
    tool: 'draft_jira',
    arguments: { summary, description, question, pageIds: draftable.map((page) => page.id) },
    likelyOwner: first ? (first.owner ?? first.lastUpdatedBy ?? null) : null,
  };
}

function clipPassage(text: string): string {
  if (text.length <= PASSAGE_CHARS) return text;
  const cut = text.slice(0, PASSAGE_CHARS);
  const end = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('.\n'));
  return `${end > PASSAGE_CHARS * 0.5 ? cut.slice(0, end + 1) : cut.trimEnd()} …`;
}
