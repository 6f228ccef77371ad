// Terminal Markdown for the chat and the record detail: headings, lists, code blocks, bold and
// inline code, wrapped to a width. Pure (text in, styled lines out) so panes can window it.

export interface Segment {
  text: string;
  bold?: boolean;
  color?: string;
}
export type Line = Segment[];

/** `**bold**` and `` `code` `` inside a line. */
function inline(text: string, base: Omit<Segment, 'text'> = {}): Segment[] {
  const out: Segment[] = [];
  const pattern = /\*\*([^*]+)\*\*|`([^`]+)`/g;
  let last = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    if (m.index > last) out.push({ ...base, text: text.slice(last, m.index) });
    out.push(
      m[1] !== undefined ? { ...base, text: m[1], bold: true } : { ...base, text: m[2]!, color: 'cyan' },
    );
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ ...base, text: text.slice(last) });
  return out;
}

/** Wraps segments at word boundaries; continuation lines start with `indent`. */
function wrap(segments: Segment[], width: number, indent: string): Line[] {
  const lines: Line[] = [[]];
  let used = 0;
  for (const seg of segments) {
    for (const word of seg.text.split(/(?<= )/)) {
      if (used + word.trimEnd().length > width && used > indent.length) {
        lines.push(indent ? [{ text: indent }] : []);
        used = indent.length;
      }
      let rest = word;
      // A word longer than the line is cut.
      while (used + rest.length > width && rest.length > width - used) {
        const room = Math.max(1, width - used);
        lines.at(-1)!.push({ ...seg, text: rest.slice(0, room) });
        rest = rest.slice(room);
        lines.push(indent ? [{ text: indent }] : []);
        used = indent.length;
      }
      if (rest) {
        lines.at(-1)!.push({ ...seg, text: rest });
        used += rest.length;
      }
    }
  }
  return lines;
}

export function renderMarkdown(text: string, width: number): Line[] {
  const out: Line[] = [];
  let fence = false;
  for (const raw of text.replace(/\r/g, '').split('\n')) {
    if (/^\s*```/.test(raw)) {
      fence = !fence;
      continue;
    }
    if (fence) {
      // Code keeps its lines (cut, not wrapped): a command must read as written.
      out.push([{ text: `  ${raw}`.slice(0, width), color: 'green' }]);
      continue;
    }
    const line = raw.trimEnd();
    let m: RegExpExecArray | null;
    if (line.trim() === '') {
      if (out.length > 0 && out.at(-1)!.length > 0) out.push([]);
    } else if ((m = /^(#{1,6})\s+(.*)$/.exec(line))) {
      out.push(
        ...wrap(inline(m[2]!, { bold: true, color: m[1]!.length <= 2 ? 'cyan' : undefined }), width, ''),
      );
    } else if ((m = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/.exec(line))) {
      const marker = /\d/.test(m[2]!) ? `${m[2]} ` : '• ';
      const lead = `${m[1]}${marker}`;
      out.push(...wrap([{ text: lead }, ...inline(m[3]!)], width, ' '.repeat(lead.length)));
    } else {
      out.push(...wrap(inline(line.trim()), width, ''));
    }
  }
  while (out.length > 0 && out.at(-1)!.length === 0) out.pop();
  return out;
}
