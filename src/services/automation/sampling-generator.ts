import { CATALOG, catalogSummary, generationJsonSchema, generationSchema } from './catalog.js';
import { GenerationFailedError, type GenerationRequest, type GenerationResult, type RuleGenerator } from './generator.js';
import { parseJsonReply } from './json-reply.js';
import type { InternalNote } from './problems.js';
import type { SelectionContext } from './selection.js';
import { UNSUPPORTED } from './unsupported.js';

/**
 * The sampling generator: selection and generation use the MCP client's model through
 * `complete(system, prompt)` (the lead wires it to `server.server.createMessage`). Two small
 * selection calls (names + one-line descriptions only), then one generation call that sees
 * the JSON Schema of only the selected components. Names the model invents are internal
 * `invalid_trigger` / `invalid_component` errors: retried once with a correction, then
 * dropped, never shown to the user. A reply with no JSON twice raises GenerationFailedError
 * (the pipeline then falls back to the offline generator).
 */

export type CompleteFn = (system: string, prompt: string) => Promise<string>;

export interface SamplingGeneratorOptions {
  complete: CompleteFn;
}

export interface SamplingGenerator extends RuleGenerator {
  readonly kind: 'sampling';
  drainNotes(): InternalNote[];
}

const EXCLUDED_FOR_SELECTION = [
  { name: 'SendWebRequestAction', what: 'sending an HTTP/web request or webhook to an outside system or URL (not available)' },
];

function triggerSystemPrompt(): string {
  const catalog = catalogSummary('trigger').map((e) => `- ${e.type}: ${e.description}`);
  const unavailable = UNSUPPORTED.filter((u) => u.kind === 'trigger').map((u) => `- ${u.name}: ${u.what}`);
  return [
    'You pick the trigger(s) of a Confluence automation rule from a list. A trigger is the event or schedule that starts the rule.',
    'Available triggers:',
    ...catalog,
    'Not available (name one only if the request clearly needs it):',
    ...unavailable,
    'List every trigger the request asks for: none if it never says when to run, several if it names several events or schedules.',
    'Reply with JSON only: {"triggers": ["Name", ...]}. Use only names from the two lists.',
  ].join('\n');
}

function componentSystemPrompt(): string {
  const catalog = catalogSummary('non-trigger').map((e) => `- ${e.type} (${e.kind}): ${e.description}`);
  const unavailable = [
    ...UNSUPPORTED.filter((u) => u.kind === 'component').map((u) => `- ${u.name}: ${u.what}`),
    ...EXCLUDED_FOR_SELECTION.map((u) => `- ${u.name}: ${u.what}`),
  ];
  return [
    'You pick the conditions, actions and branches of a Confluence automation rule from a list. Ignore the trigger (when it runs).',
    'Available components:',
    ...catalog,
    'Not available (name one only if the request clearly needs it):',
    ...unavailable,
    'Guidance: checks on the page itself (title, parent, space) use CompareCondition; labels, ancestors and age use CqlCondition; acting on many pages (e.g. from a schedule) uses ForEachPageBranch; IfElseCondition only when the request says "otherwise".',
    'Reply with JSON only: {"components": ["Name", ...]}. Use only names from the two lists; list each once.',
  ].join('\n');
}

function requestText(prompt: string, context?: SelectionContext): string {
  return `Request: ${prompt}\nRule scope: ${context?.spaceKey ? `the space ${context.spaceKey}` : 'global (whole site)'}`;
}

const GENERATION_RULES = [
  'You write one Confluence automation rule as JSON matching the schema below. Rules:',
  '- Exactly the trigger given (or null if none is given); at least one action; the last step is an action.',
  '- Conditions go before the steps they gate. Branch children go inline in "components" of the branch and may only be conditions and actions (no nested branch, no if/else inside a branch).',
  '- Never write ids, URLs or secrets. Refer to spaces as {"spaceKey": "..."} or {"spaceName": "..."}, pages as {"pageTitle": "...", "spaceKey"?: "..."}, people as {"displayName": "..."} or {"email": "..."}, groups as {"groupName": "..."}, or use a smart value {"smartValue": "{{...}}"} for the item in context.',
  '- Components marked "Leave empty" get "config": {}. Webhook URLs are always "".',
  '- Labels are lower-case without spaces. Schedules use DAILY/WEEKLY/MONTHLY when they can, CRON only otherwise. Times are 24-hour HH:mm.',
  '- Use only values the request gives; smart values such as {{page.title}}, {{page.url}}, {{page.author}}, {{space.key}}, {{now}} are allowed in text.',
  'Reply with the JSON object only.',
].join('\n');

export function createSamplingGenerator(options: SamplingGeneratorOptions): SamplingGenerator {
  const notes: InternalNote[] = [];
  // A failed call (client without sampling, transport error) is a generation failure: the pipeline falls back to offline.
  const complete: CompleteFn = async (system, prompt) => {
    try {
      return await options.complete(system, prompt);
    } catch (error) {
      throw new GenerationFailedError(`The sampling call failed: ${error instanceof Error ? error.message : String(error)}`, notes.splice(0, notes.length));
    }
  };
  const triggerNames = new Set([...CATALOG.filter((e) => e.kind === 'trigger').map((e) => e.type), ...UNSUPPORTED.filter((u) => u.kind === 'trigger').map((u) => u.name)]);
  const componentNames = new Set([
    ...CATALOG.filter((e) => e.kind !== 'trigger').map((e) => e.type),
    ...UNSUPPORTED.filter((u) => u.kind === 'component').map((u) => u.name),
    ...EXCLUDED_FOR_SELECTION.map((u) => u.name),
  ]);

  /** One selection call, with one retry for non-JSON replies or invented names. */
  async function select(system: string, prompt: string, field: 'triggers' | 'components', valid: Set<string>, kind: InternalNote['kind']): Promise<string[]> {
    let reply = await complete(system, prompt);
    let names = readNames(reply, field);
    if (names === undefined) {
      notes.push({ kind: 'invalid_reply', message: `Selection of ${field}: the reply had no JSON; retrying once.` });
      reply = await complete(system, `${prompt}\n\nYour previous reply was not JSON. Reply with JSON only: {"${field}": [...]}`);
      names = readNames(reply, field);
      if (names === undefined) throw new GenerationFailedError(`Selection of ${field} failed: no JSON in two replies.`, notes.splice(0, notes.length));
    }
    const invalid = names.filter((n) => !valid.has(n));
    if (invalid.length) {
      notes.push({ kind, message: `Selection of ${field}: not in the catalog: ${invalid.join(', ')}; retrying once.` });
      const retry = readNames(
        await complete(system, `${prompt}\n\nThese names do not exist: ${invalid.join(', ')}. Use only names from the lists. Reply with JSON only: {"${field}": [...]}`),
        field,
      );
      if (retry !== undefined) names = retry;
      const stillInvalid = names.filter((n) => !valid.has(n));
      if (stillInvalid.length) {
        notes.push({ kind, message: `Dropped names not in the catalog: ${stillInvalid.join(', ')}.` });
        // Nothing valid left: the model is the problem, not the request; don't turn it into "no trigger".
        if (stillInvalid.length === names.length) throw new GenerationFailedError(`Selection of ${field} failed: only invented names.`, notes.splice(0, notes.length));
      }
      names = names.filter((n) => valid.has(n));
    }
    return [...new Set(names)];
  }

  return {
    kind: 'sampling',
    drainNotes() {
      return notes.splice(0, notes.length);
    },
    async selectTriggers(prompt, context) {
      return select(triggerSystemPrompt(), requestText(prompt, context), 'triggers', triggerNames, 'invalid_trigger');
    },
    async selectComponents(prompt, context) {
      return select(componentSystemPrompt(), requestText(prompt, context), 'components', componentNames, 'invalid_component');
    },
    async generate(request: GenerationRequest): Promise<GenerationResult> {
      const types = [...(request.trigger ? [request.trigger] : []), ...request.components];
      const schema = generationSchema(types);
      const system = `${GENERATION_RULES}\n\nJSON Schema:\n${JSON.stringify(generationJsonSchema(types))}`;
      const prompt = [
        requestText(request.prompt, request.spaceKey ? { spaceKey: request.spaceKey } : {}),
        `Trigger: ${request.trigger ?? 'none (write "trigger": null)'}`,
        `Components to use: ${request.components.join(', ')}`,
        request.manualConfig.length ? `Leave config empty ({}) for: ${request.manualConfig.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('\n');
      const local: InternalNote[] = [];
      let rule = parseJsonReply(await complete(system, prompt));
      if (rule === undefined) {
        local.push({ kind: 'invalid_reply', message: 'Generation: the reply had no JSON; retrying once.' });
        rule = parseJsonReply(await complete(system, `${prompt}\n\nYour previous reply was not JSON. Reply with the JSON object only.`));
        if (rule === undefined) throw new GenerationFailedError('Generation failed: no JSON in two replies.', [...notes.splice(0, notes.length), ...local]);
      }
      const check = schema.safeParse(rule);
      if (!check.success) {
        const issues = check.error.issues.slice(0, 8).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
        local.push({ kind: 'invalid_component', message: `Generation did not match the schema (${issues.length} issues); retrying once.` });
        const retry = parseJsonReply(
          await complete(system, `${prompt}\n\nYour previous reply did not match the schema:\n${issues.join('\n')}\nPrevious reply:\n${JSON.stringify(rule)}\nReply with the corrected JSON object only.`),
        );
        if (retry !== undefined) rule = retry;
      }
      notes.push(...local);
      return { rule };
    },
  };
}

function readNames(reply: string, field: 'triggers' | 'components'): string[] | undefined {
  const value = parseJsonReply(reply);
  const list = Array.isArray(value) ? value : value && typeof value === 'object' ? (value as Record<string, unknown>)[field] : undefined;
  if (!Array.isArray(list)) return undefined;
  return list.filter((n): n is string => typeof n === 'string').map((n) => n.trim()).filter(Boolean);
}
