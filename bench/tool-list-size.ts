/**
 * Two sizes of a tools/list reply, in characters of compact JSON: the whole list as sent (titles,
 * annotations, output schemas included) and what a model is shown of it — each tool's name,
 * description and input schema. Shared by `npm run bench` and test/tools/tool-list-size.test.ts.
 */
export interface ListedTool {
  name: string;
  description?: string;
  inputSchema: unknown;
}

export function toolListChars(tools: readonly ListedTool[]): number {
  return JSON.stringify(tools).length;
}

export function modelShownChars(tools: readonly ListedTool[]): number {
  return JSON.stringify(tools.map(({ name, description, inputSchema }) => ({ name, description, inputSchema }))).length;
}
