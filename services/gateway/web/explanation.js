// Issue 12, "why is this case here": the case's explanation on the case
// page. Everything is put in with textContent and <mark> elements (never
// innerHTML), so the customer's text and words cannot run code.

// The words to mark in the case text: the sentiment evidence, the topics'
// terms and the red-line matches, each once, each with the kind of mark it
// gets ("evidence", "topic" or "red_line"; a word that is several is marked
// as the most serious).
export function wordsToMark(explanation) {
  const kinds = new Map();
  const add = (word, kind) => {
    const w = (word || '').trim();
    if (!w) return;
    const rank = { evidence: 1, topic: 0, red_line: 2 };
    if (!kinds.has(w) || rank[kind] > rank[kinds.get(w)]) kinds.set(w, kind);
  };
  for (const t of explanation.topics || []) for (const term of t.terms || []) add(term, 'topic');
  for (const w of explanation.evidence || []) add(w, 'evidence');
  for (const h of explanation.red_lines || []) add(h.matched || h.term, 'red_line');
  return kinds;
}

// The text cut into pieces: {text} plain, {text, kind} marked. Every
// occurrence of every word is marked; triage gives the words case-folded,
// so matching ignores case. Where two words overlap, the one starting
// first wins, and at one start the longer one.
export function markPieces(text, kinds) {
  const source = String(text || '');
  const lower = source.toLowerCase();
  const spans = [];
  for (const [word, kind] of kinds) {
    const w = word.toLowerCase();
    for (let at = lower.indexOf(w); at !== -1; at = lower.indexOf(w, at + w.length)) {
      spans.push({ begin: at, end: at + w.length, kind });
    }
  }
  spans.sort((a, b) => a.begin - b.begin || b.end - a.end);
  const pieces = [];
  let done = 0;
  for (const s of spans) {
    if (s.begin < done) continue; // overlaps a word already marked
    if (s.begin > done) pieces.push({ text: source.slice(done, s.begin) });
    pieces.push({ text: source.slice(s.begin, s.end), kind: s.kind });
    done = s.end;
  }
  if (done < source.length) pieces.push({ text: source.slice(done) });
  return pieces;
}

// The text as DOM nodes: a <mark class="why-<kind>"> per occurrence.
export function markedNodes(text, explanation) {
  return markPieces(text, wordsToMark(explanation)).map((p) => {
    if (!p.kind) return document.createTextNode(p.text);
    const mark = document.createElement('mark');
    mark.className = `why-${p.kind.replace('_', '-')}`;
    mark.textContent = p.text;
    return mark;
  });
}
