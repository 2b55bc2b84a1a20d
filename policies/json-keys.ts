/**
 * JSON.parse lets the last of two equal keys win, silently. In a policy file that is a way to
 * widen access without anyone noticing ("readOnly": true, … "readOnly": false), so policy text
 * is scanned first and any object with a repeated key is refused, naming the key and where.
 * Runs on text JSON.parse accepted, so it only tracks strings, objects and arrays.
 */
export function duplicateKeys(text: string): string[] {
  const problems: string[] = [];
  const stack: { keys: Set<string> | null; path: string; expectKey: boolean; lastKey: string }[] = [];
  let i = 0;
  const readString = (): string => {
    let out = '';
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        out += text.slice(i, i + 2);
        i += 2;
      } else out += text[i++];
    }
    i++; // closing quote
    try {
      return JSON.parse(`"${out}"`) as string;
    } catch {
      return out;
    }
  };
  while (i < text.length) {
    const char = text[i];
    const top = stack[stack.length - 1];
    if (char === '"') {
      const value = readString();
      if (top?.keys && top.expectKey) {
        if (top.keys.has(value)) problems.push(`duplicate key ${JSON.stringify(value)} in ${top.path || '(root)'}`);
        top.keys.add(value);
        top.lastKey = value;
        top.expectKey = false;
      }
      continue;
    }
    if (char === '{' || char === '[') {
      const parentPath = top ? (top.keys ? (top.path ? `${top.path}.${top.lastKey}` : top.lastKey) : `${top.path}[]`) : '';
      stack.push({ keys: char === '{' ? new Set() : null, path: parentPath, expectKey: char === '{', lastKey: '' });
    } else if (char === '}' || char === ']') {
      stack.pop();
    } else if (char === ',' && top?.keys) {
      top.expectKey = true;
    }
    i++;
  }
  return problems;
}
