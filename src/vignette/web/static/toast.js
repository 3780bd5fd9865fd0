// @ts-check
/** A short message in the page's live region. */

/** @type {number | undefined} */
let timer;

/** @param {string} message */
export function toast(message) {
  const el = document.getElementById("toast");
  if (!el) return;
  el.textContent = message;
  el.classList.add("shown");
  window.clearTimeout(timer);
  timer = window.setTimeout(() => {
    el.classList.remove("shown");
    el.textContent = "";
  }, 4000);
}
