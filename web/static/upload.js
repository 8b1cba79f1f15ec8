// The upload page with script: files dropped, chosen or taken from a folder go to /upload one
// request each, and each row of the results table appears as its file is stored or refused.
// Without script the form posts everything at once and the server draws the same table.
(() => {
  const form = document.getElementById("upload-form");
  const drop = document.getElementById("drop");
  const chosen = document.getElementById("chosen");
  const progress = document.getElementById("progress");
  const table = document.getElementById("results");
  if (!form || !drop) return;
  let dropped = [];

  // Hidden files of a dropped folder (.DS_Store, ~$draft.docx) are never documents.
  const wanted = (file) => !file.name.startsWith(".") && !file.name.startsWith("~$");

  function entryFiles(entry) {
    if (entry.isFile) return new Promise((resolve) => entry.file((f) => resolve([f]), () => resolve([])));
    if (!entry.isDirectory) return Promise.resolve([]);
    const reader = entry.createReader();
    const all = [];
    // readEntries returns a folder's entries in batches until it returns an empty one.
    const more = () => new Promise((resolve) => reader.readEntries(async (entries) => {
      if (!entries.length) return resolve(all);
      for (const e of entries) all.push(...await entryFiles(e));
      resolve(await more());
    }, () => resolve(all)));
    return more();
  }

  function show(files) {
    chosen.textContent = files.length ? `已选 ${files.length} 个文件：` + files.slice(0, 5).map((f) => f.name).join("、") +
      (files.length > 5 ? " 等" : "") : "未选择文件";
  }

  function chosenFiles() {
    const picked = [...form.querySelectorAll("input[type=file]")].flatMap((input) => [...input.files]);
    return [...dropped, ...picked].filter(wanted);
  }

  function cell(row, text, child, name) {
    const td = row.insertCell();
    if (name) td.dataset.label = name;   // the column's name over the cell on a phone (style.css)
    if (child) td.append(child);
    if (text) td.append(text);
  }

  function addRow(r) {
    table.hidden = false;
    const row = table.tBodies[0].insertRow();
    row.className = `outcome-${r.outcome}`;
    cell(row, r.name);
    const tag = document.createElement("span");
    tag.className = `tag ${r.outcome}`;
    tag.textContent = r.label;
    cell(row, "", tag, "结果");
    if (r.source) {
      const link = document.createElement("a");
      link.href = "/doc/" + r.source.split("/").map(encodeURIComponent).join("/");
      link.textContent = r.title;
      cell(row, `（${r.level}，${r.clauses} 条）`, link, "入库为");
    } else cell(row, "—", null, "入库为");
    if (r.reason) cell(row, r.reason, null, "说明"); else cell(row, "");
  }

  async function send(files) {
    for (const [i, file] of files.entries()) {
      progress.textContent = `正在处理 ${i + 1}/${files.length}：${file.name}`;
      const body = new FormData();
      body.append("files", file, file.name);
      body.append("level", form.elements.level.value);
      body.append("status", form.elements.status.value);
      try {
        const response = await fetch("/upload", { method: "POST", body, headers: { Accept: "application/json" } });
        const answer = await response.json();
        if (Array.isArray(answer)) answer.forEach(addRow);
        else addRow({ name: file.name, outcome: "refused", label: "未接收", reason: answer.error || response.statusText });
      } catch (err) {
        addRow({ name: file.name, outcome: "refused", label: "未接收", reason: `网络错误：${err.message}` });
      }
    }
    progress.textContent = `完成：${files.length} 个文件。`;
  }

  drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", async (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    const entries = [...event.dataTransfer.items].map((item) => item.webkitGetAsEntry && item.webkitGetAsEntry());
    const files = entries.every(Boolean)
      ? (await Promise.all(entries.map(entryFiles))).flat()
      : [...event.dataTransfer.files];
    dropped.push(...files);
    show(chosenFiles());
  });
  form.addEventListener("change", () => show(chosenFiles()));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const files = chosenFiles();
    if (!files.length) { chosen.textContent = "请先选择或拖入文件。"; return; }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    await send(files);
    dropped = [];
    form.reset();
    show([]);
    button.disabled = false;
  });
})();
