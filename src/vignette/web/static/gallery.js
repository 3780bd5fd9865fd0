// @ts-check
/** The gallery, of one book or across all of them: pictures and jobs filtered (book, chapter,
 * kind, state), sorted and paginated on the server; thumbnails load as they scroll into view;
 * a picture opens in the image modal. */

import { ApiError, request } from "./api.js";
import * as cache from "./cache.js";
import { confirmAction } from "./confirm.js";
import { h, replace } from "./dom.js";
import { formatDate, t } from "./i18n.js";
import { openImage } from "./modal.js";
import { showLazily } from "./pictures.js";
import { go, href } from "./router.js";
import * as tasks from "./tasks.js";
import { DESCRIPTION_TYPES } from "./types.js";

/** @typedef {import("./types.js").GalleryItem} GalleryItem */
/** @typedef {import("./types.js").Book} Book */
/** @typedef {import("./modal.js").Entry} Entry */

const PAGE_SIZE = 12;
const STATUSES = ["completed", "queued", "generating", "failed", "cancelled"];

/**
 * @param {HTMLElement} main
 * @param {string | null} bookId one book's gallery, or null for all of them
 * @returns {() => void}
 */
export function render(main, bookId) {
  let alive = true;
  const filters = { chapter: "", type: "", status: "", order: "newest", offset: 0 };
  /** @type {GalleryItem[]} */
  let shown = [];

  const grid = h("ul", { class: "gallery-grid", id: "gallery-grid", "aria-labelledby": "gallery-title" });
  const summary = h("p", { class: "gallery-summary", id: "gallery-summary", role: "status" });
  const pager = h("nav", { class: "gallery-pager", "aria-label": t("gallery.pages") });
  const controls = h("div", { class: "gallery-filters" });
  const title = h("h1", { id: "gallery-title" }, bookId ? t("gallery.title") : t("gallery.titleAll"));
  const back = h("p", { class: "book-line" }, h("a", { href: "#/" }, t("nav.library")));

  /**
   * @param {string} id
   * @param {string} label
   * @param {Array<[string, string]>} options
   * @param {string} value
   * @param {(value: string) => void} change
   */
  const select = (id, label, options, value, change) => {
    const el = h(
      "select",
      { id, class: "select" },
      options.map(([v, text]) => h("option", { value: v, selected: value === v }, text)),
    );
    el.addEventListener("change", () => change(el.value));
    return h("div", { class: "field" }, h("label", { for: id }, label), el);
  };

  /**
   * @param {"chapter" | "type" | "status" | "order"} key
   * @returns {(value: string) => void}
   */
  const refilter = (key) => (value) => {
    filters[key] = value;
    filters.offset = 0;
    void load();
  };

  async function load() {
    const params = new URLSearchParams({
      limit: String(PAGE_SIZE),
      offset: String(filters.offset),
      order: filters.order,
    });
    if (filters.type) params.set("type", filters.type);
    if (filters.status) params.set("status", filters.status);
    const path = filters.chapter
      ? `/images/chapter/${filters.chapter}?${params}`
      : bookId
        ? `/images/book/${bookId}?${params}`
        : `/images?${params}`;
    grid.setAttribute("aria-busy", "true");
    try {
      /** @type {import("./types.js").Page} */
      const page = await request(path);
      if (!alive) return;
      for (const doc of page.items) tasks.put(doc);
      draw(page);
    } catch (err) {
      if (!alive) return;
      replace(grid, h("li", { class: "notice error", role: "alert" }, t("errors.network")));
      if (!(err instanceof ApiError)) throw err;
    } finally {
      grid.removeAttribute("aria-busy");
    }
  }

  /** @param {import("./types.js").Page} page */
  function draw(page) {
    shown = page.items;
    const from = page.total ? page.offset + 1 : 0;
    const to = page.offset + page.items.length;
    summary.textContent = page.total
      ? t("gallery.showing", { from, to, total: page.total })
      : t("gallery.none");
    replace(grid, shown.map((doc, i) => item(doc, i)));
    const prev = h("button", { type: "button", class: "button ghost", id: "gallery-prev", disabled: page.offset === 0 }, `← ${t("gallery.prev")}`);
    const next = h("button", { type: "button", class: "button ghost", id: "gallery-next", disabled: to >= page.total }, `${t("gallery.next")} →`);
    prev.addEventListener("click", () => {
      filters.offset = Math.max(0, filters.offset - PAGE_SIZE);
      void load();
    });
    next.addEventListener("click", () => {
      filters.offset += PAGE_SIZE;
      void load();
    });
    const pages = Math.max(1, Math.ceil(page.total / PAGE_SIZE));
    const current = Math.floor(page.offset / PAGE_SIZE) + 1;
    replace(pager, prev, h("span", {}, t("gallery.pageOf", { n: current, total: pages })), next);
  }

  /** The page's items as the modal's passages, each opening its own job. */
  const entries = () =>
    shown.map((doc) => /** @type {Entry} */ ({ ...doc.description, task_id: doc.task_id, book_id: doc.book_id }));

  /** @param {number} index */
  const open = (index) => {
    const find = (/** @type {Entry} */ e) => grid.querySelector(`[data-task="${e.task_id}"] .thumb-open`);
    openImage(entries(), index, find, shown[index].book_id);
  };

  /**
   * @param {GalleryItem} doc
   * @param {number} index
   */
  function item(doc, index) {
    const when = formatDate(doc.created_at);
    const chapter = doc.chapter_title || t("reader.chapterN", { n: doc.chapter_number });
    /** @type {HTMLElement} */
    let picture;
    if (doc.status === "completed" && doc.image_url) {
      const img = h("img", {
        alt: t("gallery.alt", { date: when }),
        decoding: "async",
        width: doc.image?.width ?? 1024,
        height: doc.image?.height ?? 768,
      });
      showLazily(img, doc.image_url, { group: doc.book_id, description: doc.description_id });
      picture = img;
    } else {
      picture = h("div", { class: `thumb-state state-${doc.status}`, "aria-hidden": "true" }, t(`status.${doc.status}`));
    }
    const openBtn = h(
      "button",
      {
        type: "button",
        class: "thumb-open",
        "aria-label": t("gallery.openLabel", { text: shorten(doc.description.text, 80) }),
        "aria-haspopup": "dialog",
      },
      picture,
    );
    openBtn.addEventListener("click", () => open(index));
    const del = h("button", { type: "button", class: "button ghost small thumb-delete" }, t("gallery.delete"));
    del.addEventListener("click", async () => {
      if (!(await confirmAction(t("gallery.deleteConfirm"), t("gallery.delete")))) return;
      try {
        await request(`/images/${doc.image_id}`, { method: "DELETE" });
        await forgetImage(doc);
        if (grid.children.length === 1 && filters.offset > 0) filters.offset -= PAGE_SIZE;
        await load();
        summary.focus();
      } catch (err) {
        summary.textContent = err instanceof ApiError && err.detail ? err.detail : t("errors.network");
      }
    });
    return h(
      "li",
      { class: "thumb", "data-task": doc.task_id, "data-status": doc.status },
      openBtn,
      h(
        "div",
        { class: "thumb-body" },
        h("p", { class: "thumb-meta" }, `${t(`type.${doc.description.type}`)} · ${t(`status.${doc.status}`)} · ${when}`),
        h(
          "p",
          { class: "thumb-where" },
          h(
            "a",
            { href: href({ name: "chapter", bookId: doc.book_id, chapterId: doc.chapter_id }) },
            bookId ? chapter : `${doc.book_title} · ${chapter}`,
          ),
        ),
        h("div", { class: "thumb-actions" }, del),
      ),
    );
  }

  main.replaceChildren(
    h(
      "div",
      { class: "gallery" },
      h("header", { class: "gallery-head" }, back, title, summary),
      controls,
      grid,
      pager,
    ),
  );
  summary.setAttribute("tabindex", "-1");

  const typeOptions = /** @type {Array<[string, string]>} */ ([
    ["", t("gallery.all")],
    ...DESCRIPTION_TYPES.map((d) => [d, t(`type.${d}`)]),
  ]);
  const statusOptions = /** @type {Array<[string, string]>} */ ([
    ["", t("gallery.all")],
    ...STATUSES.map((s) => [s, t(`status.${s}`)]),
  ]);
  const orderOptions = /** @type {Array<[string, string]>} */ ([
    ["newest", t("gallery.newest")],
    ["oldest", t("gallery.oldest")],
  ]);

  void (async () => {
    /** @type {Book[]} */
    let books = [];
    /** @type {Book | null} */
    let book = null;
    try {
      if (bookId) book = await request(`/books/${bookId}`);
      else books = (await request("/books?limit=100")).items;
    } catch {
      if (alive) replace(grid, h("li", { class: "notice error", role: "alert" }, t("reader.notFound")));
      return;
    }
    if (!alive) return;
    /** @type {HTMLElement} */
    let scope;
    if (book) {
      replace(back, h("a", { href: "#/" }, t("nav.library")), " / ", book.title);
      title.textContent = t("gallery.titleOf", { title: book.title });
      scope = select(
        "filter-chapter",
        t("gallery.chapter"),
        [["", t("gallery.all")], ...book.chapters.map((c) => /** @type {[string, string]} */ ([c.id, c.title || t("reader.chapterN", { n: c.number })]))],
        filters.chapter,
        refilter("chapter"),
      );
    } else {
      scope = select(
        "filter-book",
        t("gallery.book"),
        [["", t("gallery.allBooks")], ...books.map((b) => /** @type {[string, string]} */ ([b.id, b.title || b.filename]))],
        "",
        (value) => go(value ? { name: "gallery", bookId: value } : { name: "gallery", bookId: null }),
      );
    }
    replace(
      controls,
      scope,
      select("filter-type", t("gallery.type"), typeOptions, filters.type, refilter("type")),
      select("filter-status", t("gallery.status"), statusOptions, filters.status, refilter("status")),
      select("filter-order", t("gallery.order"), orderOptions, filters.order, refilter("order")),
      book ? h("a", { class: "button ghost", href: href({ name: "book", bookId: book.id }) }, t("gallery.read")) : null,
    );
    await load();
  })();

  return () => {
    alive = false;
  };
}

/**
 * @param {string} text
 * @param {number} max
 */
function shorten(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A deleted picture's saved bytes, and the saved listings that still name it.
 * @param {GalleryItem} doc
 */
async function forgetImage(doc) {
  if (doc.image_url) await cache.remove(doc.image_url);
  await cache.removePrefix("/images/");
}
