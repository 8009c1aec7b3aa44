// Renders the report's rows on demand from the embedded JSON. Document text only ever reaches the
// page through textContent / text nodes, never innerHTML, so markup in a document stays text.
"use strict";
const DATA = JSON.parse(document.getElementById("report-data").textContent);
const PAGE = {clusters: 10, docs: 50};
const DOC_COLUMNS = ["id", "status", "site", "lang", "chars", "stripped", "repairs", "reason"];

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "onclick") node.addEventListener("click", value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// text with [start, end) ranges wrapped in <mark>
function highlighted(text, spans) {
  const out = document.createDocumentFragment();
  let at = 0;
  for (const [start, end] of spans || []) {
    if (start > at) out.append(document.createTextNode(text.slice(at, start)));
    out.append(el("mark", {}, text.slice(start, end)));
    at = end;
  }
  out.append(document.createTextNode(text.slice(at)));
  return out;
}

function pager(container, total, size, page, go) {
  container.replaceChildren();
  const pages = Math.max(1, Math.ceil(total / size));
  const prev = el("button", {onclick: () => go(page - 1)}, "previous");
  const next = el("button", {onclick: () => go(page + 1)}, "next");
  prev.disabled = page <= 0;
  next.disabled = page >= pages - 1;
  container.append(prev, el("span", {}, `page ${page + 1} of ${pages} (${total} rows)`), next);
}

function side(cls, label, docId, text, spans) {
  const body = text === undefined
    ? el("p", {class: "none"}, `text not embedded (the report keeps ${DATA.max_texts} texts; raise --max-texts)`)
    : highlighted(text, spans);
  return el("div", {class: `side ${cls}`}, el("h4", {}, `${label}: `, docLink(docId)), body);
}

function renderClusters(page) {
  const list = document.getElementById("cluster-list");
  const clusters = DATA.clusters;
  page = Math.min(Math.max(0, page), Math.max(0, Math.ceil(clusters.length / PAGE.clusters) - 1));
  pager(document.getElementById("cluster-pager"), clusters.length, PAGE.clusters, page, renderClusters);
  list.replaceChildren();
  if (!clusters.length) list.append(el("p", {class: "none"}, "No duplicates were found."));
  for (const cluster of clusters.slice(page * PAGE.clusters, (page + 1) * PAGE.clusters)) {
    const kept = DATA.texts[cluster.kept];
    const box = el("div", {class: "cluster", "data-kept": cluster.kept},
      el("h3", {}, `${cluster.dropped.length + 1} documents, kept `, docLink(cluster.kept)));
    for (const pair of cluster.dropped) {
      const mine = DATA.texts[pair.id];
      const why = el("p", {}, el("span", {class: "kind"}, pair.kind), ` score ${pair.score}`,
        pair.via ? ` (matched through ${pair.via})` : "", pair.in_index ? " (twin kept by an earlier run)" : "");
      if (pair.anchors) why.append(el("span", {class: "anchors"}, ` shared anchors: ${pair.anchors.join(", ")}`));
      box.append(why, el("div", {class: "pair", "data-dropped": pair.id},
        side("kept", "kept", cluster.kept, kept && kept.text, pair.kept_spans),
        side("dropped", "dropped", pair.id, mine && mine.text, pair.spans)));
    }
    list.append(box);
  }
}

function docLink(docId) {
  return el("button", {class: "link", onclick: () => showDocument(docId)}, docId);
}

function showDocument(docId) {
  const view = document.getElementById("doc-view");
  const row = DATA.docs.find(doc => doc[0] === docId);
  const info = DATA.texts[docId];
  view.replaceChildren(el("h3", {}, docId, row ? ` (${row[1]}, ${row[2]}, ${row[3]})` : ""));
  if (!info) {
    view.append(el("p", {class: "none"}, `text not embedded (the report keeps ${DATA.max_texts} texts; raise --max-texts)`));
  } else {
    if (info.repairs.length) {
      const table = el("table", {class: "repairs"}, el("tr", {}, el("th", {}, "fixer"), el("th", {}, "before"), el("th", {}, "after"), el("th", {}, "count")));
      for (const repair of info.repairs) {
        table.append(el("tr", {}, el("td", {}, repair.fixer), el("td", {}, el("code", {}, repair.before)),
          el("td", {}, el("code", {}, repair.after)), el("td", {class: "num"}, repair.count)));
      }
      view.append(el("h4", {}, "Repairs"), table);
    }
    // the cleaned lines, with each stripped line put back where it stood
    const lines = info.text ? info.text.split("\n") : [];
    const removed = info.removed.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const body = el("div", {class: "doc-text"});
    let r = 0;
    for (let i = 0; i <= lines.length; i++) {
      while (r < removed.length && removed[r][0] <= i) {
        const [, number, text, rule] = removed[r++];
        body.append(el("del", {title: `line ${number} stripped by ${rule}`}, text, el("span", {class: "rule"}, rule)));
      }
      if (i < lines.length) body.append(el("span", {class: "line"}, lines[i]));
    }
    view.append(el("h4", {}, `Text: ${removed.length} stripped lines struck through, tagged with their rule`), body);
  }
  view.scrollIntoView();
}

const state = {page: 0, rows: DATA.docs};

function filterDocuments() {
  const query = document.getElementById("search").value.trim().toLowerCase();
  const status = document.getElementById("status-filter").value;
  const site = document.getElementById("site-filter").value;
  const lang = document.getElementById("lang-filter").value;
  state.rows = DATA.docs.filter(doc => (!status || doc[1] === status) && (!site || doc[2] === site) && (!lang || doc[3] === lang)
    && (!query || doc[0].toLowerCase().includes(query) || (DATA.texts[doc[0]] && DATA.texts[doc[0]].text.toLowerCase().includes(query))));
  renderDocuments(0);
}

function renderDocuments(page) {
  const pages = Math.max(1, Math.ceil(state.rows.length / PAGE.docs));
  state.page = Math.min(Math.max(0, page), pages - 1);
  pager(document.getElementById("doc-pager"), state.rows.length, PAGE.docs, state.page, renderDocuments);
  const body = document.querySelector("#doc-table tbody");
  body.replaceChildren();
  for (const doc of state.rows.slice(state.page * PAGE.docs, (state.page + 1) * PAGE.docs)) {
    body.append(el("tr", {"data-status": doc[1]}, el("td", {}, docLink(doc[0])),
      el("td", {title: doc[7] || ""}, doc[1]), el("td", {}, doc[2]), el("td", {}, doc[3]),
      el("td", {class: "num"}, doc[4]), el("td", {class: "num"}, doc[5]), el("td", {class: "num"}, doc[6])));
  }
}

function fillSelect(id, values) {
  const select = document.getElementById(id);
  for (const value of [...new Set(values)].sort()) select.append(el("option", {}, value));
}

function renderSites() {
  const list = document.getElementById("site-list");
  if (!DATA.sites.length) list.append(el("p", {class: "none"}, "No lines were stripped."));
  for (const site of DATA.sites.slice(0, 50)) {
    const table = el("table", {});
    for (const [text, rule, count] of site.lines) {
      table.append(el("tr", {}, el("td", {title: "pages it was stripped from"}, count), el("td", {}, text), el("td", {}, el("span", {class: "rule"}, rule))));
    }
    list.append(el("div", {class: "site"}, el("h3", {}, site.site,
      `: ${site.stripped} distinct lines stripped, ${site.repeated} of them from two or more pages`), table));
  }
}

renderClusters(0);
fillSelect("site-filter", DATA.docs.map(doc => doc[2]));
fillSelect("lang-filter", DATA.docs.map(doc => doc[3]));
for (const id of ["search", "status-filter", "site-filter", "lang-filter"]) {
  document.getElementById(id).addEventListener("input", filterDocuments);
}
renderDocuments(0);
renderSites();
document.body.setAttribute("data-rendered", "yes");
