/**
 * One CSV record (RFC 4180) into its fields: comma-separated, a field in double quotes may hold commas,
 * line breaks and doubled quotes (`""`). Strict where a lenient reader would guess: a quote inside an
 * unquoted field, or text after a closing quote, is an error naming the column, not a silent fix.
 */
export type CsvCells = { ok: true; cells: string[] } | { ok: false; reason: string };

export function csvCells(text: string): CsvCells {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    const column = cells.length + 1;
    if (text[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close < 0) return { ok: false, reason: `Column ${column}: a quoted field is never closed` };
        value += text.slice(i, close);
        if (text[close + 1] === '"') {
          value += '"';
          i = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      cells.push(value);
      if (i < text.length && text[i] !== ",")
        return { ok: false, reason: `Column ${column}: text after the closing quote` };
    } else {
      const comma = text.indexOf(",", i);
      const value = text.slice(i, comma < 0 ? text.length : comma);
      if (value.includes('"'))
        return {
          ok: false,
          reason: `Column ${column}: a quote inside an unquoted field (quote the whole field)`,
        };
      cells.push(value);
      i = comma < 0 ? text.length : comma;
    }
    if (i >= text.length) return { ok: true, cells };
    i++; // the comma
    if (i === text.length) {
      cells.push(""); // a trailing comma: one more, empty, field
      return { ok: true, cells };
    }
  }
}
