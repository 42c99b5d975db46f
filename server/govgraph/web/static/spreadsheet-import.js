// "Start from a spreadsheet": upload, show the draft with each row's problems beside it, let the
// user correct the cells, read the corrected rows again, check the proposal, submit it.
// The page's own routes take the signed-in account, with the session's CSRF token in a header;
// nothing is sent anywhere else.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  let draft = null;

  function headers(json) {
    const token = document.querySelector('meta[name="csrf-token"]').content;
    const h = { "X-CSRFToken": token, Accept: "application/json" };
    if (json) h["Content-Type"] = "application/json";
    return h;
  }

  function say(text, isError) {
    const status = $("sheet-status");
    status.textContent = text;
    status.className = isError ? "error" : "";
  }

  async function call(url, options) {
    const response = await fetch(url, options);
    let body = null;
    try { body = await response.json(); } catch (e) { body = { error: response.statusText }; }
    if (!response.ok) throw new Error(body.error || ("the server answered " + response.status));
    return body;
  }

  function element(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function show(answer) {
    draft = answer;
    $("sheet-draft").hidden = false;
    const counts = answer.counts || {};
    $("draft-summary").textContent = `${counts.bodies || 0} bodies and ${counts.memberships || 0} memberships ` +
      `make ${answer.operations.length} operations; ${answer.problems.length} problem(s).` +
      (answer.usable ? "" : " Nothing usable remains: correct the rows and read them again.");
    const general = $("draft-problems");
    general.replaceChildren();
    const byRow = {};
    for (const p of answer.problems) {
      if (p.row) (byRow[p.sheet + ":" + p.row] = byRow[p.sheet + ":" + p.row] || []).push(p);
      else general.append(element("li", { class: "severity-violation" }, `${p.sheet}: ${p.message}`));
    }
    for (const [name, columns] of Object.entries(answer.ignoredColumns || {})) {
      general.append(element("li", {}, `${name}: columns ignored: ${columns.join(", ")}`));
    }
    const holder = $("draft-sheets");
    holder.replaceChildren();
    for (const [name, sheet] of Object.entries(answer.sheets || {})) {
      const table = element("table", { class: "sheet", "data-sheet": name });
      table.append(element("caption", {}, `Sheet ${name} (${sheet.rows.length} rows)`));
      const head = element("tr");
      head.append(element("th", { scope: "col" }, "Row"));
      for (const c of sheet.columns) head.append(element("th", { scope: "col" }, c));
      head.append(element("th", { scope: "col" }, "Problems"));
      const thead = element("thead");
      thead.append(head);
      table.append(thead);
      const body = element("tbody");
      for (const row of sheet.rows) {
        const problems = byRow[name + ":" + row.row] || [];
        const tr = element("tr", { "data-row": row.row, class: problems.length ? "has-problem" : "" });
        tr.append(element("th", { scope: "row" }, String(row.row)));
        for (const c of sheet.columns) {
          const td = element("td");
          const input = element("input", { type: "text", "data-column": c,
            "aria-label": `${name} row ${row.row}, ${c}` });
          input.value = row.cells[c] || "";
          if (problems.some((p) => p.column === c)) input.setAttribute("aria-invalid", "true");
          td.append(input);
          tr.append(td);
        }
        const cell = element("td", { class: "row-problems" });
        for (const p of problems) cell.append(element("p", { class: "error" }, (p.column ? p.column + ": " : "") + p.message));
        tr.append(cell);
        body.append(tr);
      }
      table.append(body);
      holder.append(table);
    }
    $("draft-heading").focus();
  }

  function correctedSheets() {
    const sheets = {};
    for (const table of document.querySelectorAll("table.sheet")) {
      sheets[table.dataset.sheet] = [...table.querySelectorAll("tbody tr")].map((tr) => {
        const cells = {};
        for (const input of tr.querySelectorAll("input[data-column]")) {
          if (input.value.trim()) cells[input.dataset.column] = input.value;
        }
        return { row: Number(tr.dataset.row), cells };
      });
    }
    return sheets;
  }

  function result(nodes) {
    $("sheet-result").hidden = false;
    $("result-body").replaceChildren(...nodes);
    $("result-heading").focus();
  }

  async function guarded(work) {
    try { await work(); } catch (error) { say(error.message, true); }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("sheet-upload").addEventListener("submit", (event) => {
      event.preventDefault();
      guarded(async () => {
        const form = new FormData();
        for (const file of $("sheet-file").files) form.append("file", file, file.name);
        say("Reading the spreadsheet…");
        show(await call("/changes/new/spreadsheet/draft", { method: "POST", headers: headers(false), body: form }));
        say("Read. Correct any rows with problems, then read them again, check and submit.");
      });
    });
    $("sheet-recheck").addEventListener("click", () => guarded(async () => {
      say("Reading the corrected rows…");
      const source = draft && draft.source ? draft.source.file : undefined;
      show(await call("/changes/new/spreadsheet/draft", { method: "POST", headers: headers(true),
        body: JSON.stringify({ sheets: correctedSheets(), source }) }));
      say("Read again.");
    }));
    $("sheet-check").addEventListener("click", () => guarded(async () => {
      say("Checking against the graph…");
      const report = await call("/changes/new/spreadsheet/check", { method: "POST", headers: headers(true),
        body: JSON.stringify({ description: draft.description, operations: draft.operations, import: draft.import }) });
      const nodes = [element("p", { id: "check-verdict" }, report.conforms
        ? "The proposal would be accepted: the graph would still conform to the shapes."
        : "The proposal would be refused:")];
      const list = element("ul", { class: "messages" });
      for (const r of report.results || []) list.append(element("li", {}, `${r.severity}: ${r.focusNode}: ${r.message}`));
      nodes.push(list);
      result(nodes);
      say("Checked.");
    }));
    $("sheet-submit").addEventListener("click", () => guarded(async () => {
      say("Submitting…");
      const answer = await call("/changes/new/spreadsheet/propose", { method: "POST", headers: headers(true),
        body: JSON.stringify({ description: draft.description, operations: draft.operations, import: draft.import }) });
      const p = element("p", { id: "proposal-made" }, "Proposed for approval: ");
      p.append(element("a", { href: answer.url }, "proposal " + answer.id));
      result([p]);
      say("Submitted.");
    }));
  });
})();
