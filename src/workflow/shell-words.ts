// Shell words as a POSIX shell splits them, for reading commands out of assistant answers:
// quotes, backslash escapes, line continuations and comments. It reports, rather than
// evaluates, anything that would run more than one command (| && || ; $( ) and backticks).
export interface Words {
  words: string[];
  /** A pipe, list, substitution or redirection was present: not one plain command. */
  compound: boolean;
}

export function splitWords(input: string): Words | { error: string } {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let compound = false;
  let i = 0;
  const push = (): void => {
    if (inWord) words.push(current);
    current = '';
    inWord = false;
  };
  while (i < input.length) {
    const ch = input[i]!;
    if (ch === '\\') {
      const next = input[i + 1];
      if (next === undefined) return { error: 'a trailing backslash' };
      if (next === '\n') {
        i += 2; // line continuation
        continue;
      }
      current += next;
      inWord = true;
      i += 2;
      continue;
    }
    if (ch === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) return { error: 'an unterminated single quote' };
      current += input.slice(i + 1, end);
      inWord = true;
      i = end + 1;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      let text = '';
      for (; j < input.length && input[j] !== '"'; j++) {
        if (input[j] === '\\' && j + 1 < input.length && '"\\$`\n'.includes(input[j + 1]!)) {
          if (input[j + 1] !== '\n') text += input[j + 1];
          j++;
        } else {
          if ((input[j] === '$' && input[j + 1] === '(') || input[j] === '`') compound = true;
          text += input[j];
        }
      }
      if (j >= input.length) return { error: 'an unterminated double quote' };
      current += text;
      inWord = true;
      i = j + 1;
      continue;
    }
    if (ch === '#' && !inWord) {
      const end = input.indexOf('\n', i);
      i = end < 0 ? input.length : end;
      continue;
    }
    if (/\s/.test(ch)) {
      push();
      i++;
      continue;
    }
    if ('|&;<>`'.includes(ch) || (ch === '$' && input[i + 1] === '(')) {
      compound = true;
      push();
      i++;
      continue;
    }
    current += ch;
    inWord = true;
    i++;
  }
  push();
  return { words, compound };
}
