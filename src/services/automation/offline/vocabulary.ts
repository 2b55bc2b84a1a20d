/**
 * Regex pieces the event and step patterns share: verbs of being, page and blog nouns, event
 * subjects, determiners, modals. One spelling for each idea, so a synonym added here reaches
 * every pattern built from it instead of drifting between copies.
 */

export const BE =
  "(?:is|are|am|was|were|gets|get|got|gotten|has been|have been|had been|been|becomes|become|is being|are being|'s|'re|will be|has just been|have just been|just got|just gets|gets finally|is finally)";
export const PAGE_N = '(?<![#@/-])(?:pages?|docs?|documents?|articles?|wiki\\s+pages?|child\\s+pages?|sub-?pages?|(?<=meeting\\s)notes)';
export const BLOG_N = '(?:blog\\s*-?\\s*posts?|blogposts?|blogs?|news\\s+posts?|announcements?)';
export const GAP =
  "(?:(?![,;.!?]|\\b(?:and then|then|status|labels?|tags?|comments?|owner|restrictions?|permissions?|when|if|whenever|each time|every time|any time|once|after|as soon as|whiteboards?|database|folders?|tasks?|issues?|tickets?|attachments?)\\b).){0,45}?";
export const MOD = '(?:\\s+(?:first|newly|initially|just|finally|also|then|actually|successfully))?';
export const COORD = '(?:\\s+[a-z]+,?\\s+(?:or|and|and\\/or))?';
export const SUBJ =
  '(?:someone|somebody|anyone|anybody|a user|any user|users|a person|people|an author|authors|a teammate|teammates|a colleague|colleagues|a member|members|team members|an editor|editors|a contributor|contributors|a reviewer|reviewers|a reader|readers|a customer|customers|an admin|admins|i|we|you|they|he|she|the (?:[a-z]+ )?team|[a-z]+ (?:from|in|on) (?:the )?[a-z]+ team)';
/**
 * Any noun phrase as the subject of an event verb right after an event word: a name ("Ana
 * López"), an email, "someone in the contractors group", "the copy". Its words are no verb
 * of being and no conjunction, so a passive event or a second clause is never read as one.
 */
export const NP_WORD = "(?!(?:is|are|am|was|were|be|been|being|gets?|got|has|have|had|becomes?|and|or|then|it|they|this|that|which|who|when|if|pages?|posts?|blogs?|documents?)(?![\\p{L}\\d_'@.-]))[^\\s,;!?«»]+";
// A member of a group is one subject however long: "a member of the sales-and-partnerships group".
export const OPEN_SUBJ = `(?<=\\b(?:when|whenever|once|if|after|as soon as|each time|every time|any ?time)\\s+)(?:(?:an?\\s+|any\\s+|some\\s+)?members?\\s+of\\s+(?:the\\s+|our\\s+)?[\\w«»-]+(?:\\s+(?:group|team))?|${NP_WORD}(?:\\s+${NP_WORD}){0,4}?)`;
export const ADV = '(?:\\s+(?:else|ever|first|just|also|actually|then|newly))?';
export const DET = '(?:(?:a|an|the|any|new|some|their|his|her|my|our|your|its|one|another|one of the|one of our|brand new|fresh)\\s+)*';
export const ADJ =
  '(?:(?!(?:to|on|in|of|for|from|under|with|into|label|labels|tag|tags|comment|comments|restrictions?|permissions?|a|an|the|that|which|and|or|whiteboards?|spaces?)\\b)[a-z«»\\d-]+\\s+){0,2}?';
// Whole words only: "over" must not match "overdue-review".
export const AGE_AFTER = /^\s+(?:\d|for \d|(?:more than|over|at least|before|since|within|in the (?:last|past)|ago|long ago|a (?:year|month|week)|for (?:over|more|a|the last)|less than|recently|last (?:week|month|year))(?![\w-]))/;
// "Trigger: …" / "Event: …" in a form-like request marks the event clause too.
export const EVENT_MARKER = /\b(?:when|whenever|once|after|as soon as|each time|every time|any ?time|if|on|upon|for every|for each|for any|for all|every new|each new)\b|\b(?:trigger|event)\s*:/;
export const POLITE_YOU = /\b(?:can|could|would|will|please|should)\s+$/;

/** A relative clause naming labels between the subject and its verb: "a page that has the approved label is updated", "a page carrying the x label is edited". */
export const REL_LABELS = "(?:\\s+(?:(?:that|which)\\s+)?(?:has|have|carries|carry|carrying|having|bearing|with)\\s+(?:both\\s+|either\\s+)?(?:the\\s+|a\\s+|an\\s+)?[\\w«»-]+(?:\\s*(?:,|and|or|&)\\s*(?:the\\s+)?[\\w«»-]+)*\\s+(?:labels?|tags?)(?:\\s+and)?)?";

/** The modal opening of an action stated as a duty: "should", "must", "have to". */
export const MODAL_WORDS = 'should|must|need\\s+to|needs\\s+to|have\\s+to|has\\s+to|ought\\s+to|shall';

/** Any one-word object that is no other kind of thing: "publishes a runbook", "edits a how-to". */
export const OPEN_OBJECT =
  "(?!(?:blog|blogs|post|posts|space|spaces|whiteboards?|databases?|folders?|tasks?|issues?|tickets?|comments?|labels?|tags?|status|title|owner|permissions?|restrictions?|versions?|attachments?|files?|jira|sprints?|it|them|this|that)\\b)[a-z][a-z-]+";

export const BLOG_WORD = new RegExp(`\\b${BLOG_N}\\b`);

/** One person's name as written: capitalised first and last name ("Priya Shah", "Ana López"). */
const PERSON = "\\p{Lu}[\\p{Ll}'-]+(?:\\s+\\p{Lu}[\\p{Ll}'-]+){1,2}";
/**
 * Two people as one subject, read on the case-kept text: "If Jun Watanabe or Priya Shah publish a
 * blog post". Groups: the two names, the verb, the object noun.
 */
export const NAMED_PAIR_SUBJECT = new RegExp(
  `\\b(?:[Ww]hen(?:ever)?|[Ii]f|[Oo]nce|[Aa]fter)\\s+(${PERSON})\\s+(?:or|and)\\s+(${PERSON})\\s+([a-z]+)(?:\\s+on)?\\s+${DET}${ADJ}(${PAGE_N}|${BLOG_N})\\b`,
  'u',
);

