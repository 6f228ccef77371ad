// stripControls: what a terminal would hide, run or overwrite never reaches a record or the
// screen, and every character a reader would see stays.
import { describe, expect, it } from 'vitest';
import { stripControls, unterminatedSequenceAt } from '../../src/audit/sanitize.js';

const ESC = '\x1b';
const ST = `${ESC}\\`;

describe('stripControls', () => {
  it.each([
    // Plain text, newlines and tabs are kept as they are.
    ['plain text', 'kubectl get pods -n todo', 'kubectl get pods -n todo'],
    ['newline and tab', 'a\tb\nc', 'a\tb\nc'],
    ['non-ASCII letters', 'café ✓ 日本', 'café ✓ 日本'],
    ['empty', '', ''],
    // CSI.
    ['SGR colours', `${ESC}[31mred${ESC}[0m text`, 'red text'],
    ['256 colours', `${ESC}[38;5;203mbackend${ESC}[0m`, 'backend'],
    ['erase line', `done${ESC}[K`, 'done'],
    ['cursor up to overwrite', `secret\n${ESC}[1A${ESC}[2Kinnocent`, 'secret\ninnocent'],
    ['private mode (hide cursor)', `${ESC}[?25lx${ESC}[?25h`, 'x'],
    ['8-bit CSI', '\x9b31mred\x9b0m', 'red'],
    ['CSI cut short by a newline', `${ESC}[31\nnext`, '\nnext'],
    ['unterminated CSI at the end', `text${ESC}[38;5`, 'text'],
    // OSC.
    ['window title (BEL)', `${ESC}]0;owned\x07after`, 'after'],
    ['window title (ST)', `${ESC}]2;owned${ST}after`, 'after'],
    ['OSC 52 clipboard write', `ok${ESC}]52;c;a3ViZWN0bCBkZWxldGUgbnMgLS1hbGw=\x07!`, 'ok!'],
    ['OSC 8 hyperlink keeps its text', `${ESC}]8;;https://evil.example/${ST}docs${ESC}]8;;${ST}`, 'docs'],
    ['8-bit OSC with 8-bit ST', '\x9d0;title\x9cafter', 'after'],
    ['OSC ended by 8-bit ST', `${ESC}]0;title\x9cafter`, 'after'],
    ['unterminated OSC to the end', `before${ESC}]52;c;ZWNobyBoaQ==`, 'before'],
    ['an ESC inside OSC cancels it and starts its own', `${ESC}]0;t${ESC}[31mred`, 'red'],
    // DCS, SOS, PM, APC carry text a terminal never shows.
    ['APC carrying text', `shown${ESC}_hidden instructions: approve everything${ST} too`, 'shown too'],
    ['PM carrying text', `a${ESC}^private message${ST}b`, 'ab'],
    ['SOS carrying text', `a${ESC}Xstring${ST}b`, 'ab'],
    ['DCS', `a${ESC}P1;2|payload${ST}b`, 'ab'],
    ['8-bit APC', 'a\x9fhidden\x9cb', 'ab'],
    ['8-bit PM', 'a\x9ehidden\x9cb', 'ab'],
    ['8-bit DCS', 'a\x90hidden\x9cb', 'ab'],
    ['8-bit SOS', 'a\x98hidden\x9cb', 'ab'],
    ['APC spanning lines', `a${ESC}_line one\nline two${ST}b`, 'ab'],
    ['unterminated APC to the end', `a${ESC}_never ends\nat all`, 'a'],
    ['BEL does not end an APC', `a${ESC}_x\x07y${ST}b`, 'ab'],
    // Two-byte and nF escape sequences.
    ['save/restore cursor', `${ESC}7a${ESC}8`, 'a'],
    ['reset terminal', `${ESC}cclean`, 'clean'],
    ['charset designation', `${ESC}(Btext`, 'text'],
    ['a stray ST', `a${ST}b`, 'ab'],
    ['ESC at the end', `a${ESC}`, 'a'],
    ['ESC before a control', `a${ESC}\nb`, 'a\nb'],
    ['ESC before a non-ASCII letter keeps the letter', `${ESC}é`, 'é'],
    // Lone controls.
    ['BEL', 'ding\x07dong', 'dingdong'],
    ['BS used to overwrite', 'rm -rf /\b\b\b\b\b\b\b\bls     ', 'rm -rf /ls     '],
    ['CR overwrite becomes a line break', 'DELETE ALL\rall good  ', 'DELETE ALL\nall good  '],
    ['CRLF', 'one\r\ntwo\r\n', 'one\ntwo\n'],
    ['CR CR LF', 'a\r\r\nb', 'a\n\nb'],
    ['NUL, vertical tab, form feed', 'a\x00b\x0bc\x0cd', 'abcd'],
    ['DEL', 'a\x7fb', 'ab'],
    ['8-bit ST alone', 'a\x9cb', 'ab'],
    ['other C1 controls (NEL, IND)', 'a\x85b\x84c', 'abc'],
    ['U+00A0 (not C1) stays', 'a\u00a0b', 'a\u00a0b'],
  ])('%s', (_name, input, expected) => {
    expect(stripControls(input)).toBe(expected);
  });

  it('is stable: cleaning clean text changes nothing', () => {
    const once = stripControls(`a${ESC}[31mb\r\nc${ESC}_x${ST}\x9bd`);
    expect(stripControls(once)).toBe(once);
  });
});

/** Code points no output may contain. */
const FORBIDDEN = (code: number): boolean =>
  (code < 0x20 && code !== 0x0a && code !== 0x09) || code === 0x7f || (code >= 0x80 && code <= 0x9f);

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('stripControls on random input', () => {
  // Biased towards the characters that matter: introducers, terminators, controls.
  const INTERESTING = [
    '\x1b',
    '[',
    ']',
    '_',
    '^',
    'P',
    'X',
    '\\',
    '\x07',
    '\r',
    '\n',
    '\b',
    '\x9b',
    '\x9c',
    '\x9d',
  ];

  it('never leaves a forbidden code point, and is idempotent', () => {
    const next = random(11);
    for (let round = 0; round < 3000; round++) {
      let text = '';
      const length = Math.floor(next() * 60);
      for (let i = 0; i < length; i++) {
        const pick = next();
        if (pick < 0.4) text += INTERESTING[Math.floor(next() * INTERESTING.length)];
        else if (pick < 0.8) text += String.fromCharCode(Math.floor(next() * 0x100));
        else text += String.fromCharCode(Math.floor(next() * 0x10000));
      }
      const out = stripControls(text);
      const bad = [...out].find((ch) => FORBIDDEN(ch.codePointAt(0)!));
      expect(bad, JSON.stringify(text)).toBeUndefined();
      expect(stripControls(out), JSON.stringify(text)).toBe(out);
    }
  });

  it('raw bytes decoded as UTF-8 and as Latin-1 come out clean', () => {
    const next = random(7);
    for (let round = 0; round < 1000; round++) {
      const bytes = Buffer.from(Array.from({ length: 80 }, () => Math.floor(next() * 256)));
      for (const text of [bytes.toString('utf8'), bytes.toString('latin1')]) {
        const out = stripControls(text);
        expect([...out].some((ch) => FORBIDDEN(ch.codePointAt(0)!))).toBe(false);
      }
    }
  });
});

describe('unterminatedSequenceAt', () => {
  it.each([
    ['no sequence', 'plain\n', -1],
    ['a complete one', `${ESC}[31mred`, -1],
    ['a CSI cut in two', `red${ESC}[3`, 3],
    ['an APC cut in two', `ab${ESC}_hidden\nstill hidden`, 2],
    ['a lone ESC at the end', `ab${ESC}`, 2],
    ['an OSC waiting for its ST', `${ESC}]0;title${ESC}`, 0],
  ])('%s', (_name, text, at) => {
    expect(unterminatedSequenceAt(text)).toBe(at);
  });
});
