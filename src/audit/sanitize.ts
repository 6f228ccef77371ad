// Text from outside (kubectl-ai's answers and errors, tool output, records read back) never
// carries terminal controls to a record or the screen: an escape sequence can hide text from
// the reader (APC, PM, SOS, OSC payloads are invisible), write the clipboard (OSC 52), retitle
// the window, fake a hyperlink (OSC 8) or move the cursor to overwrite what was shown (CSI, CR,
// BS). One pure function removes all of it and keeps every visible character.

const ESC = 0x1b;
const BEL = 0x07;
const CR = 0x0d;
const LF = 0x0a;
const TAB = 0x09;
/** 8-bit (C1) introducers and the string terminator. */
const C1 = { DCS: 0x90, SOS: 0x98, CSI: 0x9b, ST: 0x9c, OSC: 0x9d, PM: 0x9e, APC: 0x9f } as const;

/** What follows ESC for the 7-bit forms of the sequences that run to a terminator. */
const STRING_INTRODUCERS = new Set(['P', 'X', '^', '_']); // DCS, SOS, PM, APC

type Scan =
  /** An escape sequence from `start` up to (not including) `end`. */
  | { kind: 'sequence'; end: number }
  /** A sequence that the text ends inside of. */
  | { kind: 'unterminated' };

/** CSI: parameter bytes 0x30–0x3F, intermediates 0x20–0x2F, one final byte 0x40–0x7E. */
function scanCsi(text: string, from: number): Scan {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x40 && c <= 0x7e) return { kind: 'sequence', end: i + 1 };
    // A control or a non-ASCII character cannot be part of it: the sequence is malformed and
    // ends here, and that character is looked at on its own.
    if (c < 0x20 || c > 0x7e) return { kind: 'sequence', end: i };
  }
  return { kind: 'unterminated' };
}

/**
 * OSC, DCS, SOS, PM, APC: everything up to ST (ESC \ or 0x9C), for OSC also BEL. Another ESC
 * cancels the string, as terminals do, and starts a sequence of its own.
 */
function scanString(text: string, from: number, bellEnds: boolean): Scan {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === C1.ST || (bellEnds && c === BEL)) return { kind: 'sequence', end: i + 1 };
    if (c === ESC) {
      if (i + 1 >= text.length) return { kind: 'unterminated' };
      return { kind: 'sequence', end: text[i + 1] === '\\' ? i + 2 : i };
    }
  }
  return { kind: 'unterminated' };
}

/** The sequence that starts at `at` (an ESC or a C1 introducer), or undefined for a lone control. */
function scanSequence(text: string, at: number): Scan | undefined {
  const c = text.charCodeAt(at);
  if (c === C1.CSI) return scanCsi(text, at + 1);
  if (c === C1.OSC) return scanString(text, at + 1, true);
  if (c === C1.DCS || c === C1.SOS || c === C1.PM || c === C1.APC) return scanString(text, at + 1, false);
  if (c !== ESC) return undefined;
  if (at + 1 >= text.length) return { kind: 'unterminated' };
  const next = text[at + 1]!;
  if (next === '[') return scanCsi(text, at + 2);
  if (next === ']') return scanString(text, at + 2, true);
  if (STRING_INTRODUCERS.has(next)) return scanString(text, at + 2, false);
  // nF sequences (charset designation ESC ( B …): intermediates 0x20–0x2F, then one final byte.
  let i = at + 1;
  while (i < text.length && text.charCodeAt(i) >= 0x20 && text.charCodeAt(i) <= 0x2f) i++;
  if (i >= text.length) return { kind: 'unterminated' };
  const final = text.charCodeAt(i);
  // Two-byte sequences (ESC 7, ESC c, ESC \ …). A control or non-ASCII character after ESC is
  // not part of it: only the ESC (and any intermediates) go.
  return { kind: 'sequence', end: final >= 0x30 && final <= 0x7e ? i + 1 : i };
}

/** A control character that goes without a trace (everything in C0, DEL and C1 but LF and TAB). */
const isControl = (c: number): boolean =>
  (c < 0x20 && c !== LF && c !== TAB) || c === 0x7f || (c >= 0x80 && c <= 0x9f);

/**
 * The text without terminal controls: every C0 control but newline and tab, DEL, C1
 * (U+0080–U+009F) and every escape sequence (CSI, OSC, DCS, SOS, PM, APC to their terminator,
 * two-byte and nF ESC sequences, an unterminated one to the end of the text).
 *
 * CRLF becomes LF, and so does a lone CR: a CR that returns to the start of a line to print over
 * it would otherwise either hide the first text on a terminal or, removed, glue both texts into
 * one word; as a line break both stay readable as what they are. BS is removed, so text "erased"
 * by backspaces stays in place.
 */
export function stripControls(text: string): string {
  let out = '';
  let kept = 0; // start of the run of plain characters not yet copied
  for (let i = 0; i < text.length;) {
    const c = text.charCodeAt(i);
    if (c === CR) {
      out += text.slice(kept, i) + '\n';
      i += text.charCodeAt(i + 1) === LF ? 2 : 1;
      kept = i;
      continue;
    }
    if (!isControl(c)) {
      i++;
      continue;
    }
    out += text.slice(kept, i);
    const scan = scanSequence(text, i);
    if (scan?.kind === 'unterminated') return out;
    i = scan ? Math.max(scan.end, i + 1) : i + 1;
    kept = i;
  }
  return out + text.slice(kept);
}

/**
 * Where an escape sequence that the text ends inside of begins, or -1: a stream reader holds
 * that part back until the rest of the sequence arrives, instead of cutting it in two (which
 * would show an APC's or OSC's hidden payload after the cut as text).
 */
export function unterminatedSequenceAt(text: string): number {
  for (let i = 0; i < text.length;) {
    const c = text.charCodeAt(i);
    if (c === CR || !isControl(c)) {
      i++;
      continue;
    }
    const scan = scanSequence(text, i);
    if (scan?.kind === 'unterminated') return i;
    i = scan ? Math.max(scan.end, i + 1) : i + 1;
  }
  return -1;
}
