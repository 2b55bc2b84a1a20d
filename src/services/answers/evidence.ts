import { stemToken, tokenize } from '../../text/terms.js';
import type { QuestionAnalysis, QuestionTerm } from './question.js';
import type { SoftMatcher } from './soft-match.js';

/**
 * The missing word that refuses the question on its own: a name at `nameRarity`, an ordinary
 * word only at `wordRarity` — an asker's own phrasing ("beforehand", "oops") is often missing
 * from the page that answers, a name (Portland, Dropbox) rarely. Never below `nameRarity`.
 */
export function refusingTerm(absent: QuestionTerm[], nameRarity: number, wordRarity: number): QuestionTerm | undefined {
  return absent.find((t) => t.rarity >= (t.name ? nameRarity : Math.max(nameRarity, wordRarity)));
}

/**
 * The question words that none of the candidate pages contains in any form — literally, as
 * another form of the word, joined or hyphenated differently ("wifi" / "Wi-Fi"), with a
 * one-letter slip, or (except for names) as a close synonym — each rare enough in English
 * to be the question's topic ("sabbatical", "Munich", "Datadog"), not its phrasing; rarest first.
 *
 * The candidates are the pages the search found for this user: when a rare word occurs in any
 * readable page, a word search ranks such pages high, so a rare word missing from all of them
 * is missing from what this user can read. Hidden pages play no part, so a refusal says
 * nothing about them.
 */
export function missingTopicTerms(question: QuestionAnalysis, candidateTexts: string[], soft: SoftMatcher | undefined, minRarity: number): QuestionTerm[] {
  return missingTopicTermsIn(question, candidateTexts.map((text) => tokenize(text)), soft, minRarity);
}

/** The same over the candidates' tokens (each text tokenised once: for its words and for its joined pairs). */
export function missingTopicTermsIn(question: QuestionAnalysis, tokenized: string[][], soft: SoftMatcher | undefined, minRarity: number): QuestionTerm[] {
  const rare = question.terms.filter((t) => !t.fromAgent && t.rarity >= minRarity);
  if (rare.length === 0) return [];
  const words = [...new Set(tokenized.flat())];
  const stems = matchingForms(words, tokenized);
  const missing = rare.filter((term) => {
    // Any form written or meant (a slip's correction is among the tokens; the first gives term.stem).
    if (term.tokens.some((t) => stems.has(stemToken(t)))) return false;
    if (term.stem.length >= 5 && words.some((w) => w.startsWith(term.stem))) return false;
    // Written with a short prefix joined on ("e-QIP" / "eQIP", "re-hire" / "rehire").
    if (term.tokens.some((t) => t.length >= 3 && words.some((w) => w.length <= t.length + 2 && w.endsWith(t)))) return false;
    // A code's letters without its number ("sev" / "SEV1", "pi" / "PI3").
    if (term.tokens.some((t) => /^\p{L}{2,}$/u.test(t) && words.some((w) => w.startsWith(t) && /^\d+$/.test(w.slice(t.length))))) return false;
    // A longer word built on a page's word ("counsellor" / "counsel", "onboarding" / "onboard"):
    // the same topic in another form, where the stemmer keeps them apart.
    if ([...stems].some((s) => s.length >= 6 && term.stem.length > s.length && term.stem.startsWith(s))) return false;
    const credit = soft ? soft.credit(term, words) : 0;
    // Names match by spelling only: Munich is not Hamburg, however close their vectors.
    return term.name ? credit < 0.8 : credit === 0;
  });
  return missing.sort((a, b) => b.rarity - a.rarity);
}

/** Stems of the words, plus adjacent pairs of each text's tokens joined, unstemmed ("wi" + "fi" → "wifi"). */
export function matchingForms(words: string[], tokenizedTexts: string[][]): Set<string> {
  const forms = new Set(words.map(stemToken));
  for (const tokens of tokenizedTexts) {
    for (let i = 0; i + 1 < tokens.length; i++) forms.add(tokens[i] + tokens[i + 1]);
  }
  return forms;
}
