// CSV for the Dashboard's tables (issue 12), built in the browser from the
// same data the charts draw. RFC 4180: CRLF line ends, a field in double
// quotes when it holds a quote, comma, CR or LF, quotes doubled. A UTF-8
// byte order mark first, because Excel reads a CSV without one in the
// system's ANSI code page and garbles Chinese.

export const BOM = '\uFEFF';

// Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR at the
// start) gets a leading apostrophe: a customer-typed product name must not
// become a formula in the analyst's Excel. Numbers are written as numbers.
function guardFormula(text) {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function csvField(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = guardFormula(String(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

// headers: [label...]; rows: [[value...]...] → the file's text, BOM first.
export function toCsv(headers, rows) {
  const lines = [headers, ...rows].map((row) => row.map(csvField).join(','));
  return BOM + lines.join('\r\n') + '\r\n';
}

// Offers `text` as a download named `filename` (no server round trip).
export function downloadCsv(filename, text) {
  const blob = new Blob([text], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
