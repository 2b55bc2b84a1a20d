import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { PolicyGate } from '../policies/gate.js';
import type { ToolAccess } from '../policies/tool-access.js';
import { strictObject } from '../src/domain/strict-object.js';
import type { Services } from '../src/services/services.js';
import type { Toolset } from './toolsets.js';

/** What a handler receives besides its arguments: scoped handles only, never a raw source. */
export interface ToolContext {
  gate: PolicyGate;
  services: Services;
  /** Asks the client's model (MCP sampling); undefined when the client does not support it. */
  sample?: (request: SamplingRequest) => Promise<string>;
  /** Reports progress when the client asked for it; a no-op otherwise. */
  progress: (done: number, total?: number, message?: string) => Promise<void>;
  signal: AbortSignal;
}

export interface SamplingRequest {
  system: string;
  prompt: string;
  maxTokens: number;
}

export interface ToolResult<Output> {
  structured: Output;
  /** Short human/agent-readable text; defaults to the JSON of `structured`. */
  text?: string;
}

/**
 * A tool is a value: name, schemas, access class and handler. The registry collects them; the
 * server registers only the ones the role may use. Annotations are derived from `writes`
 * and `hints` (see annotationsFor) so there is one source of truth.
 */
export interface ToolDefinition<Input extends z.ZodObject = z.ZodObject, Output extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  access: ToolAccess;
  /** The workflow group TOOLSETS selects it by (tools/toolsets.ts). */
  toolset: Toolset;
  /**
   * Whether the handler can change anything: queue, edit or decide a draft, or execute one
   * (Jira, the outbox). The server's own records of a call (audit rows, the question log) do
   * not count. readOnlyHint is derived from this, not from `access` (a reviewer-only tool can
   * still only read); test/tools/tool-effects.test.ts checks it against what handlers do.
   */
  writes: boolean;
  /** Overrides for annotations that cannot be derived from access alone. */
  hints?: Pick<ToolAnnotations, 'destructiveHint' | 'idempotentHint' | 'openWorldHint'>;
  input: Input;
  output: Output;
  handler(args: z.output<Input>, context: ToolContext): Promise<ToolResult<z.output<Output>>>;
}

/**
 * Every tool's input is strict, here, in one place: an unknown argument is refused with the
 * keys the tool accepts instead of being dropped (tools/list shows `additionalProperties: false`).
 * Objects nested in an input are made strict where they are defined (see strictObject).
 */
export function defineTool<Input extends z.ZodObject, Output extends z.ZodObject>(
  definition: ToolDefinition<Input, Output>,
): ToolDefinition<Input, Output> {
  const input = strictObject(definition.input.shape, definition.name);
  return { ...definition, input: (definition.input.description ? input.describe(definition.input.description) : input) as unknown as Input };
}

export function annotationsFor(tool: ToolDefinition): ToolAnnotations {
  const readOnly = !tool.writes;
  return {
    title: tool.title,
    readOnlyHint: readOnly,
    destructiveHint: readOnly ? false : (tool.hints?.destructiveHint ?? false),
    idempotentHint: readOnly ? true : (tool.hints?.idempotentHint ?? false),
    // Confluence and Jira are a closed, known domain, not the open web.
    openWorldHint: tool.hints?.openWorldHint ?? false,
  };
}
