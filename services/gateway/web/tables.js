// The Dashboard's tables (issue 12), shared by dashboard.js and programme.js:
// each chart or list has a <table id="table-NAME"> and a CSV button
// <button id="csv-NAME">. A table is {headers, rows, show(row, index),
// shownHeaders?}: `rows` are what the CSV holds (numbers as numbers),
// `show` what the page draws for a row (text, numbers or DOM nodes), and
// `shownHeaders` the page's headers when it combines cells ("before → after").
// Values go into the page with textContent only.
import { toCsv, downloadCsv } from './csv.js';
import { $ } from './dom.js';

function cell(value, numeric) {
  const td = document.createElement('td');
  if (value instanceof Node) td.append(value);
  else if (value !== undefined && value !== null) td.textContent = String(value);
  if (numeric) td.className = 'num';
  return td;
}

// filename(name) -> the CSV's file name for table `name` (the caller knows
// the period or week the table shows).
export function createTables(filename) {
  const tables = {};

  // onRow(tr, index), if given, runs for each drawn row (e.g. a click handler).
  function fillTable(name, table, onRow) {
    tables[name] = table;
    const head = document.createElement('tr');
    for (const h of table.shownHeaders || table.headers) {
      const th = document.createElement('th');
      th.textContent = String(h);
      head.append(th);
    }
    $(`table-${name}`).querySelector('thead').replaceChildren(head);
    $(`table-${name}`).querySelector('tbody').replaceChildren(...table.rows.map((row, index) => {
      const tr = document.createElement('tr');
      const shown = table.show(row, index);
      // A cell is right-aligned when it shows a number, or when the CSV holds
      // a number in that column (a "12.5%" shown for 12.5); the second only
      // when the page shows the CSV's columns one for one.
      const sameColumns = shown.length === row.length;
      shown.forEach((v, i) => tr.append(cell(v, typeof v === 'number' || (sameColumns && typeof row[i] === 'number'))));
      if (onRow) onRow(tr, index);
      return tr;
    }));
    $(`csv-${name}`).disabled = table.rows.length === 0;
  }

  function clearTable(name) {
    tables[name] = null;
    $(`table-${name}`).querySelector('thead').replaceChildren();
    $(`table-${name}`).querySelector('tbody').replaceChildren();
    $(`csv-${name}`).disabled = true;
  }

  // The table as last filled, as CSV (UTF-8 with BOM); nothing when empty.
  function download(name) {
    const table = tables[name];
    if (!table) return;
    downloadCsv(filename(name), toCsv(table.headers, table.rows));
  }

  return { fillTable, clearTable, download, table: (name) => tables[name] || null };
}
