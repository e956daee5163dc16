/**
 * An import file as records: where each one starts and ends in the bytes, and on which line. Works on
 * bytes, not text, so the apply phase can come back to one record by offset without keeping a copy of
 * it (memory stays one file plus a small index, however many rows). The delimiters CSV and NDJSON use
 * (`"`, `\n`, `\r`) are ASCII, so no UTF-8 sequence can be mistaken for one.
 */

/** One record: bytes [start, end) without its line break; `line` is where it starts (1-based). */
export interface RecordSpan {
  line: number;
  start: number;
  end: number;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Every non-blank record. In CSV (`quoted`) a line break inside double quotes belongs to the field, so
 * a record may span lines; an NDJSON record is one line. CRLF and LF both end a record.
 */
export function* recordSpans(bytes: Uint8Array, quoted: boolean): Generator<RecordSpan> {
  let line = 1;
  let start = 0;
  let startLine = 1;
  let inQuotes = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (quoted && byte === QUOTE) inQuotes = !inQuotes;
    else if (byte === LF) {
      if (!inQuotes) {
        const end = i > start && bytes[i - 1] === CR ? i - 1 : i;
        if (!isBlank(bytes, start, end)) yield { line: startLine, start, end };
        start = i + 1;
        startLine = line + 1;
      }
      line++;
    }
  }
  const end = bytes.length > start && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
  if (!isBlank(bytes, start, end)) yield { line: startLine, start, end };
}

function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== CR) return false;
  }
  return true;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The record's text, or null when its bytes are not UTF-8. A BOM before the first record is dropped. */
export function recordText(bytes: Uint8Array, span: RecordSpan): string | null {
  const start =
    span.start === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : span.start;
  try {
    return utf8.decode(bytes.subarray(start, span.end));
  } catch {
    return null;
  }
}
