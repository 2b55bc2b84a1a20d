import { z } from 'zod';
import { answerQuestion } from '../src/services/answers/answer-service.js';
import { defineTool } from './define-tool.js';
import { personNames } from './people.js';
import { SpacesArg } from './schemas.js';

export const answerWithSources = defineTool({
  name: 'answer_with_sources',
  title: 'Answer from Confluence with citations',
  description:
    'Answers from the pages you may read: the passages that answer it, best first, cited with [n]; warns when sources are ' +
    'stale or disagree. Unanswered: status insufficient_evidence or no_permitted_content, answer null, nearestPages to ' +
    'check with get_page, followUp arguments for draft_jira. Pass searchTerms.',
  access: 'read',
  toolset: 'answers',
  writes: false,
  input: z.object({
    question: z.string().trim().min(1).max(1000).describe('The question, in plain words'),
    spaces: SpacesArg,
    searchTerms: z
      .array(z.string().trim().min(1).max(60))
      .max(10)
      .optional()
      .describe('Up to 10 words or short phrases the pages likely use for this topic (synonyms, product names)'),
    maxSources: z.number().int().min(1).max(8).optional().describe('Most passages to cite (1-8; at most 5 are quoted)'),
  }),
  output: z.object({
    status: z.enum(['answered', 'conflicting_sources', 'insufficient_evidence', 'no_permitted_content']),
    answer: z.string().nullable().describe('Markdown with [n] citation markers, or null'),
    citations: z.array(
      z.object({
        n: z.number().int(),
        pageId: z.string(),
        title: z.string(),
        space: z.string(),
        url: z.string(),
        updated: z.string(),
        version: z.number().int(),
        passage: z.string(),
        stale: z.boolean(),
      }),
    ),
    nearestPages: z
      .array(z.object({ pageId: z.string(), title: z.string(), url: z.string() }))
      .describe('Unanswered for want of evidence: readable pages that came closest, best first (read them with get_page); else empty'),
    conflicts: z.array(z.object({ subject: z.string(), statements: z.array(z.object({ pageId: z.string(), text: z.string() })) })),
    warnings: z.array(z.string()),
    followUp: z
      .object({
        tool: z.literal('draft_jira'),
        arguments: z.object({ summary: z.string(), description: z.string(), question: z.string(), pageIds: z.array(z.string()) }),
        likelyOwner: z.string().nullable().describe('Account id of the first affected page\'s owner (else its last editor)'),
        likelyOwnerName: z.string().nullable().describe('Their display name (null when unknown)'),
      })
      .nullable(),
    generator: z.enum(['sampling', 'extractive', 'none']),
  }),
  async handler(args, { gate, services, sample }) {
    const result = await answerQuestion(gate, services, {
      question: args.question,
      spaces: args.spaces,
      searchTerms: args.searchTerms,
      maxSources: args.maxSources ?? gate.policy.answers.maxSources,
      sample,
    });
    const followUp = result.followUp && { ...result.followUp, likelyOwnerName: await personNames(gate)(result.followUp.likelyOwner) };
    return { structured: { ...result, followUp } };
  },
});
