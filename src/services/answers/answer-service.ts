import type { PolicyGate } from '../../../policies/gate.js';
import { staleAfterDays } from '../../../policies/policy-schema.js';
import type { Page } from '../../domain/types.js';
import { tokenize } from '../../text/terms.js';
import { type Conflict, findAnswerConflicts } from '../compare/conflicts.js';
import { withoutAnsweredScheduleWords } from '../compare/schedule.js';
import type { Services } from '../services.js';
import {
  type NumberedPassage,
  SAMPLING_SYSTEM_PROMPT,
  composeExtractive,
  quoteSentence,
  quoteWindow,
  samplingPrompt,
  verifySampledAnswer,
} from './compose.js';
import { rankPages } from './rank-pages.js';
import { passageInputs, readPages } from './read-passages.js';
import { type RankedPassage, rankPassages, selectPassages } from './rank-passages.js';
import { answerConfidence, signalsOf } from './confidence.js';
import { missingTopicTermsIn, refusingTerm } from './evidence.js';
import { passageTokens } from './passages.js';
import { analyzeQuestion } from './question.js';
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

/** A readable page that shares words with an unanswered question, for the agent to read itself. */
export interface NearestPage {
  pageId: string;
  title: string;
  url: string;
}

export interface AnswerResult {
  status: AnswerStatus;
  answer: string | null;
  citations: Citation[];
  /**
   * When the evidence fell short (not when a topic word is missing everywhere): the pages whose
   * passages came closest, best first — a refusal the agent can check with get_page rather than
   * search again. Always pages this user may read; empty when answered.
   */
  nearestPages: NearestPage[];
  conflicts: Conflict[];
  warnings: string[];
  followUp: FollowUp | null;
  generator: 'sampling' | 'extractive' | 'none';
}

export interface AnswerRequest {
  question: string;
  spaces?: string[];
  /** Words or phrases the agent expects the documentation to use (synonyms, product names). */
  searchTerms?: string[];
  maxSources: number;
  sample?: (request: { system: string; prompt: string; maxTokens: number }) => Promise<string>;
}

/** Pages asked of the search: one request on Confluence (its limit is 50), cheap locally. */
const CANDIDATE_PAGES = 20;
/** Pages named in nearestPages. */
const NEAREST_PAGES = 3;
/** Bodies read per answer, all in one parallel round: the Cloud request budget (1 search + 6 reads + 1 space). */
const READ_PAGES = 6;
/** Passages quoted in an answer (maxSources may lower it). */
const ANSWER_PASSAGES = 5;
/** Most passages a client model is offered to choose from (maxSources may lower it; it cites the ones it uses). */
const SAMPLED_PASSAGES = 6;
const TOOL = 'answer_with_sources';

/**
 * Question in, grounded answer out — or an honest no. Candidates come from the gate's search
 * (already scoped to this user and policy), bodies through the gate (cached per page
 * version), and the answer only ever quotes or paraphrases the numbered passages.
 */
export async function answerQuestion(gate: PolicyGate, services: Services, request: AnswerRequest): Promise<AnswerResult> {
  const started = performance.now();
  const result = await buildAnswer(gate, services, request);
  await services.questions.record({
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

/** Everything the ranking decided, for the evaluation script and tests (never shown to agents). */
export interface AnswerTrace {
  evidence: number;
  missing?: { term: string; rarity: number };
  /** The rarest question word no candidate contains, refusing or not. */
  absentTerm?: string;
  features?: Record<string, number>;
  ranked: { pageId: string; score: number; evidence: number; features: Record<string, number> }[];
}

export async function buildAnswer(gate: PolicyGate, services: Services, request: AnswerRequest, trace?: AnswerTrace): Promise<AnswerResult> {
  const now = services.now();
  const question = analyzeQuestion(request.question, request.searchTerms);
  const found = await gate.searchPages(TOOL, { text: question.searchText, spaces: request.spaces, limit: CANDIDATE_PAGES });
  if (found.length === 0) {
    return unanswered('no_permitted_content', request.question, [], gate, [
      'Nothing in the spaces you can read matches this question.',
    ]);
  }
  const candidates = rankPages(found, question).slice(0, READ_PAGES);

  const fetched = await readPages(gate, services, TOOL, candidates);
  const pages = new Map(fetched.filter((entry) => entry !== undefined).map((entry) => [entry.page.id, entry.page]));
  const warnings: string[] = [];
  const { inputs, questionVector, embeddingFailed } = await passageInputs(fetched, question, services.embedder);
  if (embeddingFailed) warnings.push('The embeddings endpoint could not be used; passages were ranked by their words only.');

  const soft = services.softMatcher();
  // A word asking for a schedule ("cadence", "weekly?") is evidenced by a passage stating one, not by itself.
  const asked = withoutAnsweredScheduleWords(question, inputs.map((i) => i.passage.text));
  const ranked = rankPassages(inputs, { question: asked, questionVector, soft });
  const chosen = selectPassages(ranked, Math.min(request.maxSources, ANSWER_PASSAGES));
  // Passages' tokens are shared with their embedding (passageTokens).
  const candidateTokens = [
    ...found.map((f) => tokenize(`${f.title} ${f.labels.join(' ')} ${f.excerpt}`)),
    ...inputs.map((i) => passageTokens(i.passage)),
  ];
  // The rarest question word no candidate contains feeds the confidence (confidence.ts) and, when
  // rare enough, refuses on its own — unless the agent named the docs' own term and it is there.
  const absentTerms = missingTopicTermsIn(asked, candidateTokens, soft, 0);
  const absent = absentTerms[0];
  const agentTermFound = chosen.some((r) => r.features.agentTerms > 0);
  const { missingTermRarity, missingWordRarity } = gate.policy.answers;
  const missing = agentTermFound ? undefined : refusingTerm(absentTerms, missingTermRarity, missingWordRarity);
  const signals = signalsOf(chosen, ranked, absent?.rarity ?? 0, asked);
  const confidence = answerConfidence(signals);
  if (trace) {
    trace.missing = missing ? { term: missing.tokens[0], rarity: missing.rarity } : undefined;
    // absentName tells the fit (eval/fit-confidence.py) which rarity threshold the rule used.
    trace.features = { ...signals, confidence, absentName: absent?.name ? 1 : 0 };
    trace.absentTerm = absent?.tokens[0];
    trace.evidence = signals.evidence;
    trace.ranked = ranked.slice(0, 10).map((r) => ({ pageId: r.passage.pageId, score: r.score, evidence: r.evidence, features: r.features }));
  }
  if (missing) {
    return unanswered('insufficient_evidence', request.question, [], gate, [
      `None of the pages you can read mentions "${missing.tokens[0]}", which this question is about.`,
    ]);
  }
  // Fails closed on absolute evidence: the passages must contain enough of what the question asks.
  const { minConfidence } = gate.policy.answers;
  if (chosen.length === 0 || confidence < minConfidence) {
    const near = chosen.map((r) => pages.get(r.passage.pageId)!).filter(Boolean);
    return unanswered('insufficient_evidence', request.question, near, gate, [
      'The pages you can read mention parts of this question but none answers it.',
    ]);
  }

  // With a client model, it sees more than the extractive answer would quote and picks (reranks)
  // what it cites; without one, the chosen passages are the answer.
  const offered = request.sample ? samplingPool(ranked, chosen, Math.min(request.maxSources, SAMPLED_PASSAGES)) : chosen;
  const numbered: (NumberedPassage & { window: string })[] = offered.map((ranking, index) => {
    const page = pages.get(ranking.passage.pageId)!;
    const text = ranking.passage.text;
    return { n: index + 1, title: page.title, heading: ranking.passage.heading, text, window: quoteWindow(text, ranking.bestSentence) };
  });
  const offeredCitations: Citation[] = offered.map((ranking, index) => {
    const page = pages.get(ranking.passage.pageId)!;
    return {
      n: index + 1,
      pageId: page.id,
      title: page.title,
      space: page.spaceKey,
      url: page.url,
      updated: page.updated,
      version: page.version,
      passage: quoteSentence(ranking.passage.text, ranking.bestSentence),
      stale: isStale(page.updated, staleAfterDays(gate.policy, page.spaceKey), now),
    };
  });

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
  // A model's answer cites what it used (its markers keep their numbers); extracts cite the chosen passages.
  const used = answer === null ? undefined : new Set([...answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])));
  const citedRankings = used ? offered.filter((_, index) => used.has(index + 1)) : chosen;
  const citations = offeredCitations.filter((_, index) => citedRankings.includes(offered[index]));
  answer ??= composeExtractive(numbered.slice(0, chosen.length));
  if (answer === null) {
    return unanswered('insufficient_evidence', request.question, [...pages.values()], gate, ['No sentence in the passages answers this question.']);
  }
  for (const citation of citations.filter((c) => c.stale)) {
    const threshold = staleAfterDays(gate.policy, citation.space);
    warnings.push(
      `Source [${citation.n}] "${citation.title}" was last updated ${citation.updated.slice(0, 10)} (${ageInDays(citation.updated, now)} days ago; the ${citation.space} space treats pages older than ${threshold} days as stale).`,
    );
  }
  const citedPages = new Set(citations.map((c) => c.pageId));
  if (inputs.some((i) => i.passage.cleaned && citedPages.has(i.passage.pageId))) {
    warnings.push('A cited page contains text addressed to AI assistants; it was treated as data and left out.');
  }
  if (confidence < minConfidence + 0.1) warnings.push('The sources only partly match the question; check that they answer it.');

  // Compared: the cited passages, and every other passage read for this question against them.
  const conflicts = findAnswerConflicts(
    inputs.map(({ passage }) => {
      const cited = citedRankings.find((r) => r.passage === passage);
      return { pageId: passage.pageId, text: passage.text, cited: cited !== undefined, bestSentence: cited?.bestSentence };
    }),
    question.focus,
  );
  // A page read for this question that contradicts the answer is cited too, so both sides can be checked.
  for (const { pageId, text } of conflicts.flatMap((c) => c.statements)) {
    if (citations.some((c) => c.pageId === pageId)) continue;
    const page = pages.get(pageId)!;
    const stale = isStale(page.updated, staleAfterDays(gate.policy, page.spaceKey), now);
    const n = Math.max(offered.length, ...citations.map((c) => c.n)) + 1;
    citations.push({ n, pageId, title: page.title, space: page.spaceKey, url: page.url, updated: page.updated, version: page.version, passage: text, stale });
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
    nearestPages: [],
    conflicts,
    warnings,
    followUp: needsFollowUp ? followUpFor(request.question, affected, gate, conflicts.length > 0 ? 'conflicting' : 'stale') : null,
    generator,
  };
}

/** nearPages: readable pages read for the question, closest first, repeats allowed (named in nearestPages and the follow-up). */
function unanswered(
  status: AnswerStatus,
  question: string,
  nearPages: Page[],
  gate: PolicyGate,
  warnings: string[],
  generator: AnswerResult['generator'] = 'none',
): AnswerResult {
  const near = [...new Set(nearPages)];
  const nearest = near.slice(0, NEAREST_PAGES).map((page) => ({ pageId: page.id, title: page.title, url: page.url }));
  return {
    status,
    answer: null,
    citations: [],
    nearestPages: nearest,
    conflicts: [],
    warnings,
    followUp: followUpFor(question, near, gate, 'missing'),
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

/**
 * What a client model may rerank: the chosen passages first (the extractive answer's), then the
 * next best ones — at most two per page, so one long page cannot crowd out the others.
 */
function samplingPool(ranked: RankedPassage[], chosen: RankedPassage[], size: number): RankedPassage[] {
  const pool = [...chosen];
  const perPage = (pageId: string) => pool.filter((r) => r.passage.pageId === pageId).length;
  for (const candidate of ranked) {
    if (pool.length >= size) break;
    if (!pool.includes(candidate) && perPage(candidate.passage.pageId) < 2) pool.push(candidate);
  }
  return pool;
}
