import { eng as englishStopwords } from 'stopword';
import { stemmer } from 'stemmer';

/**
 * Words that shape a question rather than name its topic ("roughly how often", "the
 * latest", "realistically"): they say what kind of answer is wanted, so pages rarely
 * contain them and they must not count as missing evidence.
 */
const QUESTION_SHAPE = [
  'can', 'could', 'get', 'got', 'getting', 'much', 'many', 'need', 'needs', 'use', 'also', 'via', 'long', 'often', 'roughly',
  'approximately', 'about', 'exactly', 'actually', 'realistic', 'realistically', 'typically', 'usually', 'normally',
  'generally', 'currently', 'ago', 'shortest', 'longest', 'earliest', 'latest', 'least', 'most', 'maximum', 'minimum',
  'max', 'min', 'allowed', 'supposed', 'happen', 'happens', 'mean', 'means', 'know', 'tell', 'find', 'anyone',
  'somebody', 'someone', 'thing', 'things', 'way', 'ways', 'kind', 'sort', 'please', 'okay', 'ok', 'actually',
  'really', 'still', 'just', 'even', 'else', 'exist', 'exists', 'possible', 'able', 'want', 'wants', 'like', 'go',
  'going', 'make', 'sure', 'afterwards', 'onto', 'per', 'which', 'whom', 'whose',
];
/**
 * Function words the `stopword` list lacks: pronouns ("a friend of mine", "she"; not "us", which is also the US) and the
 * stems tokenising leaves of contractions ("didn't" → "didn"). They never name a topic, so they
 * must neither rank a passage nor count as a word no page contains.
 */
const FUNCTION_WORDS = [
  'mine', 'yours', 'ours', 'theirs', 'hers', 'myself', 'yourself', 'yourselves', 'ourselves', 'themselves', 'herself',
  'himself', 'itself', 'she', 'anybody', 'everyone', 'everybody', 'nobody', 'something', 'anything', 'everything',
  'nothing', 'whoever', 'whatever', 'didn', 'doesn', 'isn', 'wasn', 'aren', 'couldn', 'wouldn', 'shouldn', 'won', 'don',
  'hasn', 'haven', 'hadn', 'weren', 'ain', 've', 'll', 're', 'im', 'ive', 'dont', 'doesnt', 'didnt', 'cant', 'wont', 'isnt',
];
const ENGLISH_STOPWORDS = new Set([...englishStopwords, ...FUNCTION_WORDS]);
const STOPWORDS = new Set([...ENGLISH_STOPWORDS, ...QUESTION_SHAPE]);

const NUMBER_WORDS: Record<string, string> = {
  zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10',
  eleven: '11', twelve: '12', fifteen: '15', twenty: '20', thirty: '30', forty: '40', fifty: '50', hundred: '100',
};

/** Lower-cased word tokens of free text (letters and digits only). */
export function tokenize(text: string): string[] {
  // ASCII text (most of it) is its own NFKC form, and its letters and digits are [a-z0-9] once lower-cased.
  if (!NON_ASCII.test(text)) return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return text.toLowerCase().normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
}
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\u0000-\u007f]/;

export function isStopword(token: string): boolean {
  return STOPWORDS.has(token);
}

/** Meaningful words, stemmed: what relevance and overlap are computed on. */
export function contentTerms(text: string): string[] {
  return tokenize(text)
    .map((token) => NUMBER_WORDS[token] ?? token)
    .filter((token) => !STOPWORDS.has(token) && (token.length > 1 || /\d/.test(token)))
    .map(stemToken); // number words are digits already, so stemToken only stems (memoised)
}

export function uniqueContentTerms(text: string): string[] {
  return [...new Set(contentTerms(text))];
}

/** One token's matching form: number words as digits, letters stemmed. */
export function stemToken(token: string): string {
  let stem = STEMS.get(token);
  if (stem === undefined) {
    const mapped = NUMBER_WORDS[token] ?? token;
    stem = /^\p{L}+$/u.test(mapped) ? stemmer(mapped) : mapped;
    // Stemming dominated ranking time; a site's vocabulary is small, so a bounded memo pays.
    if (STEMS.size >= MAX_MEMO) STEMS.clear();
    STEMS.set(token, stem);
  }
  return stem;
}
const STEMS = new Map<string, string>();
const MAX_MEMO = 200_000;

/** Every word of a text in matching form, stopwords included ("minimum", "after" can matter). */
export function stemSet(text: string): Set<string> {
  return new Set(tokenize(text).map(stemToken));
}

/** Only English function words (no question-shape list): what question analysis drops. */
export function isFunctionWord(token: string): boolean {
  return ENGLISH_STOPWORDS.has(token);
}
