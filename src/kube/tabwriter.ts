// Go's text/tabwriter (elastic tabstops), as kubectl describe configures it: minwidth 0,
// tabwidth 8, padding 2, padded with spaces, no flags. kubectl writes its whole description
// through one such writer, so a column's width is set by every contiguous line that has a cell
// in it ("Volumes:" lines up with the conditions table above it); porting the algorithm is the
// only way to print exactly what kubectl prints.

const PADDING = 2;

interface Cell {
  text: string;
  /** Width in code points, as Go counts runes. */
  width: number;
}

const runeCount = (text: string): number => {
  let n = 0;
  for (const _ of text) n++;
  return n;
};

/** Aligns tab-terminated cells of `text` into columns, exactly as Go's tabwriter does. */
export function tabwrite(text: string): string {
  const raw = text.split('\n');
  // The text after the last newline is an unterminated line (usually empty).
  const lines: Cell[][] = raw.map((line) =>
    line.split('\t').map((cell) => ({ text: cell, width: runeCount(cell) })),
  );
  const out: string[] = [];
  const widths: number[] = [];

  const writeLines = (line0: number, line1: number): void => {
    for (let i = line0; i < line1; i++) {
      const line = lines[i]!;
      line.forEach((cell, j) => {
        out.push(cell.text);
        if (j < widths.length) out.push(' '.repeat(Math.max(0, widths[j]! - cell.width)));
      });
      if (i + 1 < lines.length) out.push('\n');
    }
  };

  const format = (from: number, to: number): void => {
    let line0 = from;
    const column = widths.length;
    for (let row = from; row < to; row++) {
      if (column >= lines[row]!.length - 1) continue;
      // A cell in this column: a column block starts here and runs while lines have one.
      writeLines(line0, row);
      line0 = row;
      let width = 0;
      for (; row < to; row++) {
        const line = lines[row]!;
        if (column >= line.length - 1) break;
        width = Math.max(width, line[column]!.width + PADDING);
      }
      widths.push(width);
      format(line0, row);
      widths.pop();
      line0 = row;
    }
    writeLines(line0, to);
  };

  format(0, lines.length);
  return out.join('');
}
