import { readFileSync } from 'node:fs';
import { commonFlags, openReviewerRuntime } from './cli-flags.js';
import type { CliContext } from './cli-options.js';
import type { CommonFlags } from './config.js';
import { StewardError } from './errors.js';
import type { Draft } from './services/drafts/draft-service.js';
import { previewIssue, type JiraDraftPayload } from './services/drafts/jira-issue.js';
import { servicesFor } from './services/services.js';

export interface DraftsCommand {
  action: string;
  id?: string;
  reason?: string;
  json: boolean;
  status?: string;
  kind?: string;
  space?: string;
  drafter?: string;
  revision?: string;
  edits: { summary?: string; description?: string; labels?: string; project?: string; issueType?: string; note?: string; rule?: string };
}

type Out = (line: string) => void;

/**
 * `confluence-steward drafts …`: the reviewer's command line. Same flags as `serve`; the
 * acting user (--as) is the reviewer. Every action goes through the reviewer-operations layer
 * (the same schemas and service calls as the MCP review tools and the console).
 * Exit status: 0 done, 1 refused or failed, 2 usage.
 */
export async function runDrafts(context: CliContext): Promise<number> {
  const { values, positionals } = context;
  return draftsCommand(
    commonFlags(values),
    {
      action: positionals[1] ?? 'list',
      id: positionals[2],
      reason: values.reason,
      json: values.json ?? false,
      status: values.status,
      kind: values.kind,
      space: values.space,
      drafter: values.drafter,
      revision: values.revision,
      edits: { summary: values.summary, description: values.description, labels: values.labels, project: values.project, issueType: values['issue-type'], note: values.note, rule: values.rule },
    },
    context.out,
    context.err,
  );
}

async function draftsCommand(flags: CommonFlags, command: DraftsCommand, out: Out, err: Out): Promise<number> {
  if (!flags.as && !process.env.STEWARD_USER) {
    err('drafts commands need the reviewer identity: --as USER (or STEWARD_USER)');
    return 2;
  }
  const runtime = await openReviewerRuntime(flags, process.env, err);
  if (!runtime) return 1;
  const services = servicesFor(runtime);
  const gate = runtime.gateFor(runtime.identity, 'reviewer');
  const review = services.review;
  const positive = (value: string | undefined, what: string) => {
    const n = Number(value);
    if (value === undefined || !/^\d{1,15}$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
      throw new StewardError(`${what} is a positive number, not ${JSON.stringify(String(value).slice(0, 40))}`, 'usage');
    }
    return n;
  };
  const id = () => positive(command.id, 'a draft id');
  const show = (draft: Draft, message?: string) => {
    if (command.json) out(JSON.stringify({ ...draft, message }, null, 2));
    else {
      if (message) out(message);
      out(describe(draft));
    }
  };
  try {
    // Executions whose process died are finished first (their approval already happened).
    const reconciled = await review.reconcile(gate);
    for (const report of reconciled.reports) err(`reconciled draft ${report.draft.id}: ${report.message}`);
    if (reconciled.refused) err(`interrupted executions were left for another reviewer: ${reconciled.refused}`);
    switch (command.action) {
      case 'list': {
        const { drafts: list, hidden } = await review.list(gate, stripUndefined({ status: command.status, kind: command.kind, space: command.space, drafter: command.drafter, limit: 200 }), 'drafts');
        if (command.json) out(JSON.stringify({ drafts: list, hidden }, null, 2));
        else {
          if (list.length === 0) out('No drafts match.');
          for (const d of list) out(`#${d.id}  ${d.status.padEnd(9)} ${d.kind.padEnd(10)} ${d.createdAt.slice(0, 16)}  ${d.drafterName}  ${d.title}`);
          if (hidden > 0) out(`(${hidden} more draft${hidden === 1 ? '' : 's'} rest on pages you may not read and are not shown.)`);
        }
        return 0;
      }
      case 'show': {
        const { draft, revisions } = await review.show(gate, id(), 'drafts');
        show(draft);
        if (!command.json) {
          out('');
          out(draft.kind === 'jira' ? previewIssue(draft.payload as JiraDraftPayload) : String((draft.payload as { preview?: string }).preview ?? ''));
          out('');
          for (const r of revisions) out(`revision ${r.revision} by ${r.author} at ${r.createdAt}${r.note ? `: ${r.note}` : ''}`);
          if (draft.status === 'pending' || draft.status === 'failed') out(`\nTo approve what you see: drafts ${draft.status === 'failed' ? 'retry' : 'approve'} ${draft.id} --revision ${draft.revision}`);
        }
        return 0;
      }
      case 'approve':
      case 'retry': {
        if (command.revision === undefined) {
          err(`${command.action} needs --revision N: the revision you reviewed (drafts show ${command.id ?? 'ID'} prints it)`);
          return 2;
        }
        const report = await review.approve(gate, { draftId: id(), revision: positive(command.revision, '--revision') });
        show(report.draft, report.message);
        return report.draft.status === 'executed' ? 0 : 1;
      }
      case 'reject': {
        if (!command.reason || command.reason.trim().length < 3) {
          err('reject needs --reason TEXT (at least 3 characters)');
          return 2;
        }
        show(await review.reject(gate, { draftId: id(), reason: command.reason }), 'Rejected.');
        return 0;
      }
      case 'edit': {
        const e = command.edits;
        const changes = stripUndefined({
          summary: e.summary,
          description: e.description,
          labels: e.labels?.split(',').map((l) => l.trim()).filter(Boolean),
          projectKey: e.project,
          issueType: e.issueType,
        });
        const rule = e.rule === undefined ? undefined : readRule(e.rule);
        if (Object.keys(changes).length === 0 && rule === undefined) {
          err('edit needs at least one of --summary, --description, --labels, --project, --issue-type (Jira drafts) or --rule JSON|@FILE (automation drafts)');
          return 2;
        }
        show(await review.edit(gate, { draftId: id(), ...changes, ...stripUndefined({ note: e.note, rule }) }), 'Saved as a new revision.');
        return 0;
      }
      case 'reconcile':
        out(reconciled.refused ? 'Nothing reconciled.' : 'Reconciled any interrupted executions.');
        return reconciled.refused ? 1 : 0;
      default:
        err(`unknown drafts action ${JSON.stringify(command.action.slice(0, 40))}: use list, show, approve, reject, edit, retry or reconcile`);
        return 2;
    }
  } catch (error) {
    if (error instanceof StewardError) {
      err(`refused: ${error.message}`);
      return error.code === 'usage' ? 2 : 1;
    }
    throw error;
  } finally {
    await runtime.close();
  }
}

/** `--rule` is the simplified rule JSON, inline or `@file`. */
function readRule(value: string): unknown {
  let text = value;
  if (value.startsWith('@')) {
    try {
      text = readFileSync(value.slice(1), 'utf8');
    } catch (error) {
      throw new StewardError(`cannot read ${value.slice(1, 200)}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`, 'usage');
    }
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new StewardError('--rule must be the simplified rule as JSON (inline, or @FILE)', 'usage');
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function describe(d: Draft): string {
  const lines = [
    `Draft #${d.id} (${d.kind}) — ${d.status}`,
    `  title:    ${d.title}`,
    `  drafter:  ${d.drafterName} (${d.drafter}) at ${d.createdAt}`,
    `  spaces:   ${d.spaces.join(', ') || '—'}`,
    `  revision: ${d.revision}`,
  ];
  if (d.decidedBy) lines.push(`  decided:  by ${d.decidedBy} at ${d.decidedAt}`);
  if (d.rejectReason) lines.push(`  reason:   ${d.rejectReason}`);
  if (d.target) lines.push(`  target:   ${d.target} ${JSON.stringify(d.result)}`);
  if (d.failureReason) lines.push(`  failure:  ${d.failureReason}`);
  return lines.join('\n');
}
