// "复制引用" buttons: copy the citation beside them. Served from this origin, so the pages'
// Content-Security-Policy (script-src 'self') holds; without script the citation stays selectable text.
//
// Browsers give navigator.clipboard only to secure contexts (https, localhost): on a plain-http
// intranet host it is missing or refuses. Then the text is copied from a selection (execCommand),
// and when even that fails the citation is left selected and the button says how to copy it.
(() => {
  function flash(button, text) {
    const label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    button.textContent = text;
    setTimeout(() => { button.textContent = label; }, 2500);
  }

  function copyBySelection(text) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    let copied = false;
    try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
    area.remove();
    return copied;
  }

  function leaveSelected(button) {
    // The citation shown beside the button, selected, so that Ctrl+C (⌘C) copies it; where the
    // button shows none (the document page), the text appears beside it to be selected.
    const beside = [button.previousElementSibling, button.nextElementSibling];
    let shown = beside.find((e) => e && e.classList.contains("cite-form") && e.textContent === button.dataset.copy);
    if (!shown) {
      shown = document.createElement("span");
      shown.className = "cite-form";
      shown.textContent = button.dataset.copy;
      button.after(shown);
    }
    const range = document.createRange();
    range.selectNodeContents(shown);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function fallback(button) {
    if (copyBySelection(button.dataset.copy)) {
      flash(button, "已复制");
    } else {
      leaveSelected(button);
      flash(button, "复制失败，已选中，请按 Ctrl+C");
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.copy");
    if (!button) return;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(button.dataset.copy).then(() => flash(button, "已复制"), () => fallback(button));
    } else {
      fallback(button);
    }
  });
})();
