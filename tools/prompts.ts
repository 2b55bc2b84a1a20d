import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { PolicyGate } from '../policies/gate.js';
import { completeSpaceKeys } from './completions.js';
import { SpaceKeyArg } from './schemas.js';

const Question = z.string().trim().min(1).max(1000).describe('The question, in plain words');

/**
 * A prompt encodes a workflow as text that tells the model which tools to call. It names only
 * tools it `uses`; a session that lacks one of them (role, read-only mode, ENABLED_TOOLS,
 * TOOLSETS) is not offered the prompt, so no prompt ever points at a tool that is not there.
 */
export interface PromptDefinition {
  name: string;
  title: string;
  description: string;
  uses: readonly string[];
  /** Built per session: a completable argument completes for that session's user (completable() marks the schema, so each needs a fresh one). */
  args(gate: PolicyGate): z.ZodRawShape;
  text(args: Record<string, string>): string;
}

export const answerFromDocs: PromptDefinition = {
  name: 'answer_from_docs',
  title: 'Answer from the docs, with citations',
  description: 'Answer a question only from the Confluence pages you may read, citing a page for every claim.',
  uses: ['answer_with_sources', 'search_pages', 'get_page'],
  args: () => ({ question: Question }),
  text: ({ question }) =>
    [
      `Answer this question from our Confluence documentation only: ${question}`,
      '',
      '1. Call answer_with_sources with the question (add searchTerms: words the docs likely use for it).',
      '2. If the status is answered or conflicting_sources, answer in your own words and cite the page (title and url) behind every claim; say where sources disagree or are stale.',
      '3. If the status is insufficient_evidence, read its nearestPages with get_page, or try search_pages with other words and read the best hits, before answering.',
      '4. If the pages still do not answer it, say so plainly. Do not fill the gap from general knowledge.',
    ].join('\n'),
};

export const triageSpace: PromptDefinition = {
  name: 'triage_space',
  title: 'Triage a space',
  description: 'Find stale, duplicate, incomplete and conflicting pages in one space and say what to do about each.',
  uses: ['flag_stale'],
  args: (gate) => ({ spaceKey: completable(SpaceKeyArg.describe('The space to triage, e.g. "IT"'), (value) => completeSpaceKeys(gate, value ?? '')) }),
  text: ({ spaceKey }) =>
    [
      `Triage the Confluence space ${spaceKey}.`,
      '',
      `1. Call flag_stale with spaces: ${JSON.stringify([spaceKey])} (draft stays false).`,
      '2. Report the findings most severe first, grouped by kind, each with its pages and the evidence in one line.',
      '3. For each, say what a person must do in Confluence (personAction) and offer to queue the suggested Jira draft.',
      '4. Queue drafts only when asked: flag_stale with draft: true, or draft_jira with the suggested arguments. A reviewer approves each before anything reaches Jira.',
    ].join('\n'),
};

export const handGapToJira: PromptDefinition = {
  name: 'hand_gap_to_jira',
  title: 'Hand a documentation gap to Jira',
  description: 'Check whether the docs answer a question; if they do not, draft a Jira issue for a reviewer to approve.',
  uses: ['answer_with_sources', 'draft_jira'],
  args: () => ({ question: Question.describe('The question or topic the docs may not cover') }),
  text: ({ question }) =>
    [
      `Find out whether our Confluence documentation covers this, and hand the gap to Jira if it does not: ${question}`,
      '',
      '1. Call answer_with_sources with it. If the status is answered, give the answer with its citations and stop: there is no gap.',
      '2. Otherwise call draft_jira with the followUp arguments answer_with_sources returned (summary, question, pageIds), adjusting the summary so it names the missing topic.',
      '3. Tell the user the draft id and that nothing exists in Jira until a reviewer approves it.',
    ].join('\n'),
};

export const allPrompts: readonly PromptDefinition[] = [answerFromDocs, triageSpace, handGapToJira];

/** The prompts whose tools this session has. */
export function promptsFor(tools: ReadonlySet<string>): PromptDefinition[] {
  return allPrompts.filter((prompt) => prompt.uses.every((tool) => tools.has(tool)));
}

export function registerPrompts(server: McpServer, gate: PolicyGate, tools: ReadonlySet<string>): void {
  for (const prompt of promptsFor(tools)) {
    server.registerPrompt(prompt.name, { title: prompt.title, description: prompt.description, argsSchema: prompt.args(gate) }, (async (args: Record<string, string>) => ({
      description: prompt.description,
      messages: [{ role: 'user', content: { type: 'text', text: prompt.text(args) } }],
    })) as never);
  }
}
