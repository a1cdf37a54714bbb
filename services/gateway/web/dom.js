// The page's two DOM helpers, shared by every module: `$` finds an element
// by id, `el` makes one whose text goes in with textContent only (never as
// HTML, so customer text cannot inject markup).
export const $ = (id) => document.getElementById(id);

export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}
