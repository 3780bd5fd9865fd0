// @ts-check
/** The chapter text as paragraphs, with each description highlighted at its exact offsets. */

import { h } from "./dom.js";
import { t } from "./i18n.js";

/** @typedef {import("./types.js").Description} Description */
/** @typedef {import("./types.js").Task} Task */

/**
 * Descriptions in text order, dropping any that overlap an earlier one or fall outside.
 * @param {Description[]} descriptions
 * @param {number} length
 * @returns {Description[]}
 */
export function ordered(descriptions, length) {
  const sorted = [...descriptions]
    .filter((d) => d.start >= 0 && d.end <= length && d.end > d.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  /** @type {Description[]} */
  const kept = [];
  let end = 0;
  for (const d of sorted) {
    if (d.start < end) continue;
    kept.push(d);
    end = d.end;
  }
  return kept;
}

/**
 * Paragraph ranges [start, end) of the text: split at line breaks, blank ones skipped.
 * @param {string} text
 * @returns {Array<[number, number]>}
 */
export function paragraphs(text) {
  /** @type {Array<[number, number]>} */
  const out = [];
  let start = 0;
  const re = /\r?\n/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    if (text.slice(start, m.index).trim()) out.push([start, m.index]);
    start = m.index + m[0].length;
  }
  if (text.slice(start).trim()) out.push([start, text.length]);
  return out;
}

/**
 * Build the chapter's paragraphs; a description that spans paragraphs is split into parts
 * sharing its id. Highlights are focusable buttons.
 * @param {string} text
 * @param {Description[]} descriptions
 * @returns {DocumentFragment}
 */
export function renderText(text, descriptions) {
  const frag = document.createDocumentFragment();
  const descs = ordered(descriptions, text.length);
  let di = 0;
  for (const [ps, pe] of paragraphs(text)) {
    const p = document.createElement("p");
    let pos = ps;
    while (pos < pe) {
      while (di < descs.length && descs[di].end <= pos) di += 1;
      const d = descs[di];
      if (d && d.start < pe) {
        if (d.start > pos) {
          p.append(text.slice(pos, d.start));
          pos = d.start;
        } else {
          const end = Math.min(d.end, pe);
          p.append(highlight(d, text.slice(pos, end), pos === d.start));
          pos = end;
        }
      } else {
        p.append(text.slice(pos, pe));
        pos = pe;
      }
    }
    frag.append(p);
  }
  return frag;
}

/**
 * @param {Description} d
 * @param {string} text
 * @param {boolean} first the part where the description starts (the one that is focusable)
 */
function highlight(d, text, first) {
  const attrs = {
    class: `hl hl-${d.type}`,
    "data-description": d.id,
    "data-type": d.type,
  };
  if (!first) return h("span", { ...attrs, "data-part": "rest" }, text);
  return h(
    "span",
    { ...attrs, role: "button", tabindex: "0", "aria-haspopup": "dialog" },
    h("span", { class: "sr-only" }, `${t(`type.${d.type}`)}: `),
    text,
    h("span", { class: "hl-marker", "aria-hidden": "true" }),
    h("span", { class: "sr-only hl-state" }),
  );
}

/**
 * Mark a description's highlight by the state of its newest task.
 * @param {ParentNode} root
 * @param {string} descriptionId
 * @param {Task | undefined} task
 */
export function markTask(root, descriptionId, task) {
  const state = task?.status === "completed" ? "image" : task && !["failed", "cancelled"].includes(task.status) ? "working" : "";
  for (const el of root.querySelectorAll(`[data-description="${descriptionId}"]`)) {
    if (state) el.setAttribute("data-image", state);
    else el.removeAttribute("data-image");
    const sr = el.querySelector(".hl-state");
    if (sr) sr.textContent = state === "image" ? ` (${t("reader.hasImage")})` : state === "working" ? ` (${t("reader.working")})` : "";
  }
}
