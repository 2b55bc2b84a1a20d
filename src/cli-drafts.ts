import { commonFlags, openReviewerRuntime } from './cli-flags.js';
import type { CliContext } from './cli-options.js';
import type { CommonFlags } from './config.js';
import { StewardError } from './errors.js';
import { previewIssue, type JiraDraftPayload } from './services/drafts/jira-issue.js';
import { servicesFor } from './services/services.js';
import type { Draft } from './store/draft-store.js';

export interface DraftsCommand {
  action: string;
  id?: string;
  reason?: string;
  json: boolean;
  status?: string;
  kind?: string;
  space?: string;
  drafter?: string;
  edits: { summary?: string; description?: string; labels?: string; project?: string; issueType?: string; note?: string };
}

type Out = (line: string) => void;

/**
 * `confluence-steward drafts …`: the reviewer's command line. Same flags as `serve`; the
 * acting user (--as) is the reviewer. Exit status: 0 done, 1 refused or failed, 2 usage.
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
      edits: { summary: values.summary, description: values.description, labels: values.labels, project: values.project, issueType: values['issue-type'], note: values.note },
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
  const drafts = services.drafts;
  const id = () => {
    const value = Number(command.id);
    if (!Number.isSafeInteger(value) || value <= 0) throw new StewardError(`a draft id is a positive number, not ${JSON.stringify(command.id)}`, 'usage');
    return value;
  };
  const show = (draft: Draft, message?: string) => {
    if (command.json) out(JSON.stringify({ ...draft, message }, null, 2));
    else {
      if (message) out(message);
      out(describe(draft));
    }
  };
  try {
    // Executions whose process died are finished first (their approval already happened).
    for (const report of await drafts.reconcile(gate)) err(`reconciled draft ${report.draft.id}: ${report.message}`);
    switch (command.action) {
      case 'list': {
        const list = drafts.list({
          status: command.status as never,
          kind: command.kind as never,
          space: command.space,
          drafter: command.drafter,
        });
        if (command.json) out(JSON.stringify(list, null, 2));
        else if (list.length === 0) out('No drafts match.');
        else for (const d of list) out(`#${d.id}  ${d.status.padEnd(9)} ${d.kind.padEnd(10)} ${d.createdAt.slice(0, 16)}  ${d.drafterName}  ${d.title}`);
        return 0;
      }
      case 'show': {
        const draft = drafts.get(id());
        show(draft);
        if (!command.json) {
          out('');
          out(draft.kind === 'jira' ? previewIssue(draft.payload as JiraDraftPayload) : String((draft.payload as { preview?: string }).preview ?? ''));
          const revisions = drafts.store.revisions(draft.id);
          out('');
          for (const r of revisions) out(`revision ${r.revision} by ${r.author} at ${r.createdAt}${r.note ? `: ${r.note}` : ''}`);
        }
        return 0;
      }
      case 'approve':
      case 'retry': {
        const report = await drafts.approve(gate, id());
        show(report.draft, report.message);
        return report.draft.status === 'executed' ? 0 : 1;
      }
      case 'reject': {
        if (!command.reason || command.reason.trim().length < 3) {
          err('reject needs --reason TEXT (at least 3 characters)');
          return 2;
        }
        show(drafts.reject(gate, id(), command.reason.trim()), 'Rejected.');
        return 0;
      }
      case 'edit': {
        const e = command.edits;
        const changes = {
          summary: e.summary,
          gap: e.description,
          labels: e.labels?.split(',').map((l) => l.trim()).filter(Boolean),
          projectKey: e.project,
          issueType: e.issueType,
        };
        if (Object.values(changes).every((v) => v === undefined)) {
          err('edit needs at least one of --summary, --description, --labels, --project, --issue-type');
          return 2;
        }
        show(drafts.edit(gate, id(), changes, e.note), 'Saved as a new revision.');
        return 0;
      }
      case 'reconcile':
        out('Reconciled any interrupted executions.');
        return 0;
      default:
        err(`unknown drafts action ${JSON.stringify(command.action)}: use list, show, approve, reject, edit, retry or reconcile`);
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
