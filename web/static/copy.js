// "复制引用" buttons: copy the citation beside them. Served from this origin, so the pages'
// Content-Security-Policy (script-src 'self') holds; without script the citation stays selectable text.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button.copy");
  if (!button || !navigator.clipboard) return;
  navigator.clipboard.writeText(button.dataset.copy).then(() => {
    const label = button.textContent;
    button.textContent = "已复制";
    setTimeout(() => { button.textContent = label; }, 1500);
  });
});
