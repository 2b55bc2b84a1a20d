/**
 * Things people ask for that have no catalog component (fact sheet §6). Selection may name
 * them; checks.ts turns each into an `unsupported` problem with a message naming the thing
 * and, where there is one, the nearest supported rule. The names are ours, like the catalog's.
 */

export interface UnsupportedThing {
  name: string;
  kind: 'trigger' | 'component';
  /** Fills "it looks like you want …". */
  what: string;
  /** One sentence on what to do instead, when there is something. */
  instead?: string;
  /**
   * A step of its own (summarise, export, text, print): when the rest of the request is a rule,
   * the rule is drafted without it and the reviewer is told. Steps that are the target or the
   * subject of the rest (a folder, a Jira issue) are not separable: the request stays unsupported.
   */
  separable?: boolean;
}

const JIRA = 'Jira events and issue changes belong in a Jira automation rule; Confluence rules cannot wait on them.';

export const UNSUPPORTED: readonly UnsupportedThing[] = [
  { name: 'WhiteboardCreatedTrigger', kind: 'trigger', what: 'a whiteboard trigger (when a whiteboard is created)', instead: 'Rules can start when a page is published instead.' },
  { name: 'WhiteboardEditedTrigger', kind: 'trigger', what: 'a whiteboard trigger (when a whiteboard changes)', instead: 'Rules can start when a page is edited instead.' },
  { name: 'WhiteboardCommentedTrigger', kind: 'trigger', what: 'a whiteboard comment trigger', instead: 'Rules can start when a page is commented on instead.' },
  { name: 'CreateWhiteboardAction', kind: 'component', what: 'an action that creates a whiteboard', instead: 'A rule can publish a new page instead.' },
  { name: 'DatabaseEntryChangedTrigger', kind: 'trigger', what: 'a database trigger (when a database row or entry changes)' },
  { name: 'UpdateDatabaseAction', kind: 'component', what: 'an action that adds or changes database entries' },
  { name: 'FolderCreatedTrigger', kind: 'trigger', what: 'a folder trigger', instead: 'Rules can react to pages, for example when a page is published or moved.' },
  { name: 'FolderAction', kind: 'component', what: 'an action on folders', instead: 'A rule can move or copy pages under a parent page instead.' },
  { name: 'LoomVideoTrigger', kind: 'trigger', what: 'a Loom video trigger' },
  { name: 'LoomVideoAction', kind: 'component', what: 'an action that records or embeds Loom videos' },
  { name: 'SmartLinkAction', kind: 'component', what: 'an action that adds smart links or embeds' },
  { name: 'JiraIssueCreatedTrigger', kind: 'trigger', what: 'a Jira trigger (when an issue is created)', instead: JIRA },
  { name: 'JiraIssueTransitionedTrigger', kind: 'trigger', what: 'a Jira trigger (when an issue changes status)', instead: JIRA },
  { name: 'JiraIssueUpdatedTrigger', kind: 'trigger', what: 'a Jira trigger (when an issue is updated)', instead: JIRA },
  { name: 'SprintStartedTrigger', kind: 'trigger', what: 'a Jira sprint trigger (sprint started)', instead: JIRA },
  { name: 'SprintCompletedTrigger', kind: 'trigger', what: 'a Jira sprint trigger (sprint completed)', instead: JIRA },
  { name: 'VersionReleasedTrigger', kind: 'trigger', what: 'a Jira version-released trigger', instead: JIRA },
  { name: 'JsmRequestTrigger', kind: 'trigger', what: 'a Jira Service Management request trigger', instead: JIRA },
  { name: 'JqlCondition', kind: 'component', what: 'a JQL condition', instead: 'Confluence rules filter with CQL or smart-value conditions.' },
  { name: 'CreateJiraIssueAction', kind: 'component', what: 'an action that creates a Jira issue', instead: 'Draft the issue with the Jira draft tool instead.' },
  { name: 'TransitionIssueAction', kind: 'component', what: 'a Jira issue transition or edit action', instead: JIRA },
  { name: 'AdvancedBranch', kind: 'component', what: 'an advanced "branch with conditions"', instead: 'Use a for-each branch with conditions inside it.' },
  { name: 'LabelRemovedTrigger', kind: 'trigger', what: 'a trigger for when a label is removed', instead: 'A rule can run when a page is edited and check its labels with a CQL condition.' },
  { name: 'PageViewedTrigger', kind: 'trigger', what: 'a trigger for when a page is viewed' },
  { name: 'PageLikedTrigger', kind: 'trigger', what: 'a trigger for when a page is liked' },
  { name: 'AttachmentAddedTrigger', kind: 'trigger', what: 'a trigger for when a file is attached', instead: 'A rule can run when the page is edited instead.' },
  { name: 'TaskCompletedTrigger', kind: 'trigger', what: 'a trigger for when a task is completed or assigned', instead: 'A scheduled rule can check tasks with a for-each-task branch instead.' },
  { name: 'UserAddedTrigger', kind: 'trigger', what: 'a trigger for when a user joins the site or a group' },
  { name: 'CreateSpaceAction', kind: 'component', what: 'an action that creates, archives or deletes a space', instead: 'A rule can run when a space is created and set it up.' },
  { name: 'ExportPageAction', kind: 'component', separable: true, what: 'an action that exports pages (PDF, Word)' },
  { name: 'SendSmsAction', kind: 'component', separable: true, what: 'a text message (SMS) to a phone', instead: 'A rule can send an email, Slack or Teams message instead.' },
  { name: 'SocialPostAction', kind: 'component', separable: true, what: 'a post to a social network or outside chat app (LinkedIn, X/Twitter, Facebook, WhatsApp, Telegram, Discord and the like)', instead: 'A rule can send an email, Slack or Teams message instead.' },
  { name: 'PrintPageAction', kind: 'component', separable: true, what: 'printing or faxing a page (sending it to a printer or a fax)' },
  { name: 'AiAction', kind: 'component', separable: true, what: 'an AI action (summarise, translate, rewrite)' },
  { name: 'EditPageContentAction', kind: 'component', separable: true, what: "an action that edits a page's text (fixing spelling or typos, rewriting content)", instead: 'A rule can add a comment asking the owner to fix it.' },
];

const BY_NAME = new Map(UNSUPPORTED.map((u) => [u.name, u]));

export function unsupportedThing(name: string): UnsupportedThing | undefined {
  return BY_NAME.get(name);
}

/** The user-facing message for something outside the catalog, named or not. */
export function unsupportedMessage(name: string): string {
  const known = BY_NAME.get(name);
  if (known) return `It looks like you want ${known.what}; that is not available in Confluence automation.${known.instead ? ` ${known.instead}` : ''}`;
  return `It looks like you want "${name}"; that is not a Confluence automation component, so this rule can't be drafted as asked.`;
}
