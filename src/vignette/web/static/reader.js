// @ts-check
/** The reader: chapter list, the chapter's text with highlights, previous/next, settings. */

import { ApiError, readThrough } from "./api.js";
import { h, replace } from "./dom.js";
import { onUserEvents } from "./events.js";
import { markTask, renderText } from "./highlights.js";
import { t } from "./i18n.js";
import { openImage } from "./modal.js";
import { go, href } from "./router.js";
import { position, savePosition } from "./settings.js";
import * as tasks from "./tasks.js";
import { changeFontSize, changeLineWidth } from "./theme.js";
import { startBatch } from "./batch.js";

/** @typedef {import("./types.js").Book} Book */
/** @typedef {import("./types.js").Chapter} Chapter */
/** @typedef {import("./types.js").Task} Task */

const LONG_CHAPTER = 30000;

/**
 * @param {HTMLElement} main
 * @param {string} bookId
 * @param {string | null} chapterId
 * @returns {() => void}
 */
export function render(main, bookId, chapterId) {
  let alive = true;
  /** @type {(() => void)[]} */
  const stops = [];
  const root = h("div", { class: "reader" });
  main.replaceChildren(root);
  replace(root, h("p", { class: "loading", role: "status" }, t("app.loading")));

  void (async () => {
    /** @type {Book} */
    let book;
    try {
      book = await readThrough(`/books/${bookId}`, { group: bookId });
    } catch (err) {
      if (alive) showError(root, err);
      return;
    }
    if (!alive) return;
    if (!book.chapters.length) {
      replace(root, h("p", { class: "notice" }, t("reader.noChapters")));
      return;
    }
    const saved = position(bookId);
    if (!chapterId) {
      const target = book.chapters.find((c) => c.id === saved?.chapterId) ?? book.chapters[0];
      go({ name: "chapter", bookId, chapterId: target.id }, { replace: true });
      return;
    }
    /** @type {Chapter} */
    let chapter;
    try {
      chapter = await readThrough(`/chapters/${chapterId}`, { group: bookId });
    } catch (err) {
      if (alive) showError(root, err);
      return;
    }
    if (!alive) return;
    stops.push(show(root, book, chapter, saved?.chapterId === chapter.id ? saved.fraction : 0));
  })();

  return () => {
    alive = false;
    for (const stop of stops) stop();
  };
}

/**
 * @param {HTMLElement} root
 * @param {unknown} err
 */
function showError(root, err) {
  const missing = err instanceof ApiError && err.status === 404;
  const unsaved = err instanceof ApiError && err.status === 0;
  replace(
    root,
    h(
      "div",
      { class: "notice error", role: "alert" },
      h("p", {}, missing ? t("reader.notFound") : unsaved ? t("offline.notSaved") : t("errors.network")),
      h("a", { href: "#/" }, t("reader.back")),
    ),
  );
}

/**
 * Show one chapter; returns the function that tears it down.
 * @param {HTMLElement} root
 * @param {Book} book
 * @param {Chapter} chapter
 * @param {number} fraction where to scroll to (0–1)
 * @returns {() => void}
 */
function show(root, book, chapter, fraction) {
  const index = book.chapters.findIndex((c) => c.id === chapter.id);
  const prev = index > 0 ? book.chapters[index - 1] : null;
  const next = index >= 0 && index < book.chapters.length - 1 ? book.chapters[index + 1] : null;
  const chapterTitle = (/** @type {{title: string, number: number}} */ c) =>
    c.title || t("reader.chapterN", { n: c.number });

  const closeDrawer = h(
    "button",
    { type: "button", class: "icon-button drawer-close", "aria-label": t("reader.closeContents") },
    h("span", { "aria-hidden": "true" }, "✕"),
  );
  const drawer = h(
    "nav",
    { class: "contents", id: "contents", "aria-labelledby": "contents-title" },
    h("div", { class: "contents-head" }, h("h2", { id: "contents-title", class: "contents-title" }, t("reader.contents")), closeDrawer),
    h(
      "ol",
      {},
      book.chapters.map((c) =>
        h(
          "li",
          {},
          h(
            "a",
            {
              href: href({ name: "chapter", bookId: book.id, chapterId: c.id }),
              "aria-current": c.id === chapter.id ? "page" : false,
            },
            chapterTitle(c),
          ),
        ),
      ),
    ),
  );
  const toggle = h(
    "button",
    {
      type: "button",
      class: "button ghost contents-toggle",
      "aria-expanded": "false",
      "aria-controls": "contents",
    },
    t("reader.contents"),
  );
  closeDrawer.addEventListener("click", () => {
    root.classList.remove("drawer-open");
    toggle.setAttribute("aria-expanded", "false");
    toggle.focus();
  });
  toggle.addEventListener("click", () => {
    const open = root.classList.toggle("drawer-open");
    toggle.setAttribute("aria-expanded", String(open));
    if (open) drawer.querySelector("a")?.focus();
  });

  const sizeLabel = h("span", { class: "sr-only", role: "status" });
  /**
   * @param {string} label
   * @param {string} text
   * @param {() => string} action
   */
  const tool = (label, text, action) => {
    const b = h("button", { type: "button", class: "icon-button", "aria-label": label, title: label }, text);
    b.addEventListener("click", () => {
      sizeLabel.textContent = action();
    });
    return b;
  };
  const batchStatus = h("div", { class: "batch", id: "batch-status", role: "status" });
  const illustrate = h(
    "button",
    { type: "button", class: "button", id: "illustrate" },
    t("batch.illustrate"),
  );
  illustrate.addEventListener("click", () => startBatch(chapter, batchStatus, illustrate));
  const toolbar = h(
    "div",
    { class: "reader-toolbar", role: "toolbar", "aria-label": t("reader.tools") },
    toggle,
    h(
      "div",
      { class: "tool-group" },
      tool(t("reader.smaller"), "A−", () => t("reader.sizeNow", { n: changeFontSize(-1) })),
      tool(t("reader.larger"), "A+", () => t("reader.sizeNow", { n: changeFontSize(1) })),
      tool(t("reader.narrower"), "⇤⇥", () => t("reader.widthNow", { n: changeLineWidth(-5) })),
      tool(t("reader.wider"), "⟷", () => t("reader.widthNow", { n: changeLineWidth(5) })),
    ),
    illustrate,
    h("a", { class: "button ghost", href: href({ name: "gallery", bookId: book.id }), id: "to-gallery" }, t("library.gallery")),
    sizeLabel,
  );

  const text = h("div", { class: `chapter-text${chapter.text.length > LONG_CHAPTER ? " long" : ""}` });
  text.append(renderText(chapter.text, chapter.descriptions));
  const count = chapter.descriptions.length;

  /** @param {import("./types.js").ChapterSummary | null} c @param {"prev" | "next"} dir */
  const pager = (c, dir) =>
    c
      ? h(
          "a",
          {
            class: `pager ${dir}`,
            rel: dir,
            href: href({ name: "chapter", bookId: book.id, chapterId: c.id }),
          },
          h("span", { class: "pager-label" }, t(dir === "prev" ? "reader.prev" : "reader.next")),
          h("span", { class: "pager-title" }, chapterTitle(c)),
        )
      : h("span", { class: `pager ${dir} none` });

  const article = h(
    "article",
    { class: "chapter", "aria-labelledby": "chapter-title" },
    h(
      "header",
      { class: "chapter-head" },
      h("p", { class: "book-line" }, h("a", { href: "#/" }, t("nav.library")), " / ", book.title),
      h("h1", { id: "chapter-title" }, chapterTitle(chapter)),
      h(
        "p",
        { class: "chapter-meta" },
        t("reader.position", { n: index + 1, total: book.chapters.length }),
        " · ",
        count ? t("reader.passages", { count }) : t("reader.noPassages"),
      ),
      count ? legend() : null,
    ),
    text,
    h("nav", { class: "pagers", "aria-label": t("reader.chapterNav") }, pager(prev, "prev"), pager(next, "next")),
  );
  replace(root, toolbar, h("div", { class: "reader-body" }, drawer, h("div", { class: "page" }, article, batchStatus)));

  /** @param {string} descriptionId */
  const open = (descriptionId) => {
    const list = chapter.descriptions.filter((d) => text.querySelector(`[data-description="${d.id}"][role="button"]`));
    list.sort((a, b) => a.start - b.start);
    const i = list.findIndex((d) => d.id === descriptionId);
    const find = (/** @type {{id: string}} */ d) => text.querySelector(`[data-description="${d.id}"][role="button"]`);
    if (i >= 0) openImage(list, i, find, book.id);
  };
  text.addEventListener("click", (e) => {
    const el = /** @type {Element} */ (e.target).closest("[data-description]");
    if (el) open(el.getAttribute("data-description") ?? "");
  });
  text.addEventListener("keydown", (e) => {
    const el = /** @type {Element} */ (e.target).closest('[data-description][role="button"]');
    if (el && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      open(el.getAttribute("data-description") ?? "");
    }
  });

  /** @param {KeyboardEvent} e */
  const onKey = (e) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const target = /** @type {Element | null} */ (e.target);
    if (e.key === "Escape" && root.classList.contains("drawer-open")) {
      root.classList.remove("drawer-open");
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
      return;
    }
    if (target?.closest("input, textarea, select, dialog, [contenteditable]")) return;
    if (document.querySelector("dialog[open]")) return;
    if (e.key === "ArrowLeft" && prev) go({ name: "chapter", bookId: book.id, chapterId: prev.id });
    if (e.key === "ArrowRight" && next) go({ name: "chapter", bookId: book.id, chapterId: next.id });
  };
  document.addEventListener("keydown", onKey);

  /** @type {number | undefined} */
  let scrollTimer;
  const remember = () => {
    window.clearTimeout(scrollTimer);
    scrollTimer = window.setTimeout(() => {
      const max = document.documentElement.scrollHeight - innerHeight;
      savePosition(book.id, { chapterId: chapter.id, fraction: max > 0 ? scrollY / max : 0 });
    }, 250);
  };
  window.addEventListener("scroll", remember, { passive: true });
  savePosition(book.id, { chapterId: chapter.id, fraction });
  requestAnimationFrame(() => {
    const max = document.documentElement.scrollHeight - innerHeight;
    window.scrollTo(0, fraction > 0 && max > 0 ? fraction * max : 0);
  });
  document.getElementById("chapter-title")?.setAttribute("tabindex", "-1");

  // Which passages already have pictures (or jobs): from the chapter's listing, then live.
  const ids = new Set(chapter.descriptions.map((d) => d.id));
  const refresh = () => {
    for (const id of ids) markTask(text, id, tasks.forDescription(id));
  };
  const loadImages = async () => {
    for (let offset = 0; offset < 2000; offset += 100) {
      try {
        /** @type {import("./types.js").Page} */
        const page = await readThrough(`/images/chapter/${chapter.id}?limit=100&offset=${offset}`, {
          group: book.id,
        });
        for (const doc of page.items) tasks.put(doc);
        if (offset + page.limit >= page.total) break;
      } catch {
        break;
      }
    }
    refresh();
  };
  void loadImages();
  const unsubscribe = tasks.subscribe((task) => {
    if (ids.has(task.description_id)) markTask(text, task.description_id, tasks.forDescription(task.description_id));
  });
  const stopEvents = onUserEvents({ onResync: () => void loadImages() });

  return () => {
    document.removeEventListener("keydown", onKey);
    window.removeEventListener("scroll", remember);
    window.clearTimeout(scrollTimer);
    unsubscribe();
    stopEvents();
  };
}

function legend() {
  return h(
    "ul",
    { class: "legend", "aria-label": t("reader.legend") },
    ["location", "character", "atmosphere", "object", "action"].map((type) =>
      h("li", {}, h("span", { class: `swatch hl-${type}`, "aria-hidden": "true" }), t(`type.${type}`)),
    ),
  );
}
