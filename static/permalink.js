// The report page's permalinks: a link on each number cell of the statistics tables, and a button
// that copies the citation line.
//
// Every number cell has an id (#c-<cell path>); opening the page at that address scrolls to the
// cell and style.css highlights it (td:target), with or without this script. The script shows the
// cell's link where a reader is: one "#" link, moved into the cell under the pointer or with focus
// (a link written into each of ~250 cells would weigh on every page). Keyboard: each table is one
// tab stop (its first number cell: a roving tabindex, not 250 stops to tab through); the arrow
// keys move between cells, Home/End to the row's ends, and Enter puts the cell's address in the
// address bar (the cell becomes the :target and is highlighted).

const LINK = document.createElement("a");
LINK.className = "cell-link";
LINK.textContent = "#";
LINK.tabIndex = -1;

function cellsOf(table) {
  return [...table.querySelectorAll("td[id^='c-']")];
}

function showLink(cell) {
  LINK.href = `#${cell.id}`;
  LINK.setAttribute("aria-label", `本格链接：${cell.id.slice(2)}`);
  cell.append(LINK);
}

/** The cell in the row above or below whose horizontal middle is nearest the current one's. */
function vertical(cell, step) {
  const rows = [...cell.closest("table").rows];
  const box = cell.getBoundingClientRect();
  const middle = box.left + box.width / 2;
  for (let r = rows.indexOf(cell.parentElement) + step; r >= 0 && r < rows.length; r += step) {
    const candidates = [...rows[r].querySelectorAll("td[id^='c-']")];
    if (!candidates.length) continue;
    const distance = (c) => {
      const b = c.getBoundingClientRect();
      return Math.abs(b.left + b.width / 2 - middle);
    };
    return candidates.reduce((best, c) => (distance(c) < distance(best) ? c : best));
  }
  return null;
}

function move(from, to) {
  if (!to) return;
  from.tabIndex = -1;
  to.tabIndex = 0;
  to.focus();
}

function keydown(event) {
  const cell = event.target.closest("td[id^='c-']");
  if (!cell) return;
  const row = [...cell.parentElement.querySelectorAll("td[id^='c-']")];
  const i = row.indexOf(cell);
  const target = {
    ArrowLeft: row[i - 1],
    ArrowRight: row[i + 1],
    Home: row[0],
    End: row[row.length - 1],
    ArrowUp: event.key === "ArrowUp" ? vertical(cell, -1) : null,
    ArrowDown: event.key === "ArrowDown" ? vertical(cell, 1) : null,
  }[event.key];
  if (event.key === "Enter") {
    location.hash = cell.id;
  } else if (target !== undefined) {
    move(cell, target);
  } else {
    return;
  }
  event.preventDefault();
}

for (const table of document.querySelectorAll("table.form-table")) {
  const cells = cellsOf(table);
  if (!cells.length) continue;
  const start = cells.find((c) => `#${c.id}` === location.hash) || cells[0];
  for (const cell of cells) {
    cell.tabIndex = cell === start ? 0 : -1;
  }
  table.addEventListener("keydown", keydown);
  table.addEventListener("focusin", (e) => {
    const cell = e.target.closest("td[id^='c-']");
    if (cell) showLink(cell);
  });
  table.addEventListener("pointerover", (e) => {
    const cell = e.target.closest("td[id^='c-']");
    if (cell && cell !== LINK.parentElement) showLink(cell);
  });
}

// The citation's copy button: shown only where the script runs (it is hidden in the HTML).
for (const button of document.querySelectorAll("button[data-copy]")) {
  const source = document.getElementById(button.dataset.copy);
  const status = button.parentElement.querySelector(".copy-status");
  if (!source || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      status.textContent = "已复制";
    } catch {
      status.textContent = "无法复制：请选中文字后手动复制";
    }
  });
}
