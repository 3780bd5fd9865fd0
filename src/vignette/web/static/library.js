// @ts-check
/** The library: the user's books as a grid, upload by picker or drop, live import progress. */

import { ApiError, readThrough, request } from "./api.js";
import * as cache from "./cache.js";
import { confirmAction } from "./confirm.js";
import { h, replace } from "./dom.js";
import { onUserEvents } from "./events.js";
import { formatDate, t } from "./i18n.js";
import { href } from "./router.js";
import { forgetPosition } from "./settings.js";
import { panel as storagePanel } from "./storage.js";
import { toast } from "./toast.js";

/** @typedef {import("./types.js").Book} Book */

const ACCEPT = ".epub,.fb2,.zip,.txt,application/epub+zip,text/plain";
const REFRESH_MS = 5000;
const LIST = "/books?limit=100";

/**
 * A stable colour index (0–5) for a book without a cover.
 * @param {string} text
 */
function hue(text) {
  let n = 0;
  for (const ch of text) n = (n * 31 + (ch.codePointAt(0) ?? 0)) % 6;
  return n;
}

/**
 * @param {HTMLElement} main
 * @returns {() => void}
 */
export function render(main) {
  /** @type {Map<string, Book>} */
  const books = new Map();
  let alive = true;

  const grid = h("ul", { class: "book-grid", id: "book-grid", "aria-labelledby": "library-title" });
  const status = h("p", { class: "upload-status", id: "upload-status", role: "status" });
  const input = h("input", {
    type: "file",
    id: "book-file",
    accept: ACCEPT,
    class: "sr-only",
    tabindex: "-1",
    "aria-hidden": "true",
  });
  const pick = h(
    "button",
    { type: "button", class: "button primary", id: "upload-button" },
    t("library.upload"),
  );
  const drop = h(
    "section",
    { class: "dropzone", id: "dropzone", "aria-labelledby": "drop-title" },
    h("p", { id: "drop-title", class: "drop-title" }, t("library.dropTitle")),
    h("p", { class: "hint" }, t("library.dropHint")),
    pick,
    input,
    status,
  );

  pick.addEventListener("click", () => input.click());
  input.addEventListener("change", () => {
    const file = input.files?.[0];
    if (file) void upload(file);
    input.value = "";
  });
  for (const type of ["dragenter", "dragover"]) {
    main.addEventListener(type, (e) => {
      e.preventDefault();
      drop.classList.add("dragging");
    });
  }
  main.addEventListener("dragleave", (e) => {
    if (e.target === main || !main.contains(/** @type {Node | null} */ (e.relatedTarget))) {
      drop.classList.remove("dragging");
    }
  });
  main.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("dragging");
    const file = e.dataTransfer?.files?.[0];
    if (file) void upload(file);
  });

  /** @param {File} file */
  async function upload(file) {
    status.textContent = t("library.uploading", { name: file.name });
    pick.disabled = true;
    const form = new FormData();
    form.append("file", file, file.name);
    try {
      /** @type {Book} */
      const book = await request("/books", { method: "POST", form });
      books.set(book.id, book);
      status.textContent = t("library.uploaded", { name: file.name });
      draw();
    } catch (err) {
      const reason = err instanceof ApiError && err.detail ? err.detail : t("errors.network");
      status.textContent = t("library.uploadFailed", { reason });
    } finally {
      pick.disabled = false;
    }
  }

  async function load() {
    try {
      /** @type {import("./types.js").Page} */
      const page = await readThrough(LIST);
      if (!alive) return;
      books.clear();
      for (const b of page.items) books.set(b.id, b);
      draw();
    } catch (err) {
      if (!alive) return;
      replace(grid, h("li", { class: "notice error", role: "alert" }, t("errors.network")));
      if (!(err instanceof ApiError)) throw err;
    }
  }

  /** @param {Book} book */
  async function remove(book) {
    const yes = await confirmAction(t("library.deleteConfirm", { title: book.title }), t("library.delete"));
    if (!yes) return;
    try {
      await request(`/books/${book.id}`, { method: "DELETE" });
      books.delete(book.id);
      forgetPosition(book.id);
      await cache.removeGroup(book.id);
      await cache.remove(LIST);
      draw();
      toast(t("library.deleted", { title: book.title }));
      document.getElementById("upload-button")?.focus();
    } catch {
      toast(t("errors.network"));
    }
  }

  /** @param {Book} book */
  function card(book) {
    const title = book.title || book.filename || t("library.untitled");
    const cover = book.cover_url
      ? h("img", { class: "cover", src: book.cover_url, alt: "", loading: "lazy", decoding: "async" })
      : h(
          "div",
          { class: `cover initial hue-${hue(title)}`, "aria-hidden": "true" },
          h("span", {}, title.trim().charAt(0).toUpperCase() || "?"),
        );
    /** @type {(string | Node)[]} */
    const meta = [];
    meta.push(t("library.chapters", { count: book.chapters.length }));
    meta.push(t("library.descriptions", { count: book.descriptions_found }));
    meta.push(t("library.images", { count: book.images_made }));
    /** @type {Node} */
    let state;
    if (book.status === "processing") {
      const { chapters_done: done, chapters_total: total } = book.progress;
      const label = total
        ? t("library.progress", { done, total })
        : t("library.preparing");
      state = h(
        "div",
        { class: "book-progress" },
        h("progress", {
          max: total || 1,
          value: total ? done : 0,
          "aria-label": label,
          id: `progress-${book.id}`,
        }),
        h("p", { class: "hint", "data-role": "progress-text" }, label),
      );
    } else if (book.status === "failed") {
      state = h(
        "p",
        { class: "book-failed", role: "note" },
        t("library.failed", { reason: book.error || book.error_code || "?" }),
      );
    } else {
      state = h("p", { class: "book-meta" }, meta.join(" · "));
    }
    const titleEl =
      book.status === "ready"
        ? h("a", { href: href({ name: "book", bookId: book.id }), class: "book-link" }, title)
        : h("span", {}, title);
    const del = h(
      "button",
      { type: "button", class: "icon-button", "aria-label": t("library.deleteBook", { title }) },
      h("span", { "aria-hidden": "true" }, "✕"),
    );
    del.addEventListener("click", () => void remove(book));
    return h(
      "li",
      { class: `book-card status-${book.status}`, "data-book-id": book.id, "data-status": book.status },
      cover,
      h(
        "div",
        { class: "book-body" },
        h("h2", { class: "book-title" }, titleEl),
        h("p", { class: "book-author" }, book.author || t("library.unknownAuthor")),
        state,
        h("p", { class: "book-date" }, t("library.added", { date: formatDate(book.created_at) })),
        book.status === "ready"
          ? h(
              "a",
              { class: "gallery-link", href: href({ name: "gallery", bookId: book.id }), "aria-label": t("library.galleryOf", { title }) },
              t("library.gallery"),
            )
          : null,
      ),
      del,
    );
  }

  function draw() {
    const list = [...books.values()].sort((a, b) => b.created_at.localeCompare(a.created_at));
    if (!list.length) {
      replace(
        grid,
        h(
          "li",
          { class: "empty" },
          h("h2", {}, t("library.emptyTitle")),
          h("p", {}, t("library.emptyBody")),
        ),
      );
      return;
    }
    const focusedId = document.activeElement?.closest("[data-book-id]")?.getAttribute("data-book-id");
    replace(grid, list.map(card));
    if (focusedId) {
      const again = grid.querySelector(`[data-book-id="${focusedId}"] a, [data-book-id="${focusedId}"] button`);
      if (again instanceof HTMLElement) again.focus();
    }
  }

  const stopEvents = onUserEvents({
    onBook(book) {
      const was = books.get(book.id);
      books.set(book.id, book);
      draw();
      if (was?.status === "processing" && book.status === "ready") {
        toast(t("library.ready", { title: book.title }));
      }
    },
    onResync() {
      void load();
    },
  });
  // A safety net for imports when the event stream is unavailable.
  const timer = window.setInterval(async () => {
    for (const book of books.values()) {
      if (book.status !== "processing") continue;
      try {
        const fresh = await request(`/books/${book.id}`);
        if (!alive) return;
        const changed = JSON.stringify(fresh.progress) !== JSON.stringify(book.progress) || fresh.status !== book.status;
        if (changed) {
          books.set(fresh.id, fresh);
          draw();
        }
      } catch {
        // next time
      }
    }
  }, REFRESH_MS);

  main.replaceChildren(
    h(
      "div",
      { class: "library" },
      h(
        "div",
        { class: "library-head" },
        h("h1", { id: "library-title" }, t("library.title")),
        h("a", { class: "button ghost", id: "all-pictures", href: href({ name: "gallery", bookId: null }) }, t("library.allPictures")),
      ),
      drop,
      grid,
      storagePanel(),
    ),
  );
  void load();
  return () => {
    alive = false;
    stopEvents();
    window.clearInterval(timer);
  };
}
