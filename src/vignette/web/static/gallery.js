// @ts-check
/** A book's gallery: its pictures and jobs, newest first, filtered and paginated on the server. */

import { ApiError, request } from "./api.js";
import { confirmAction } from "./confirm.js";
import { h, replace } from "./dom.js";
import { formatDate, t } from "./i18n.js";
import { href } from "./router.js";
import * as tasks from "./tasks.js";
import { DESCRIPTION_TYPES } from "./types.js";

/** @typedef {import("./types.js").Task} Task */
/** @typedef {import("./types.js").Book} Book */

const PAGE_SIZE = 12;
const STATUSES = ["completed", "queued", "generating", "failed", "cancelled"];

/**
 * @param {HTMLElement} main
 * @param {string} bookId
 * @returns {() => void}
 */
export function render(main, bookId) {
  let alive = true;
  const filters = { chapter: "", type: "", status: "", offset: 0 };
  /** @type {Book | null} */
  let book = null;

  const grid = h("ul", { class: "gallery-grid", id: "gallery-grid", "aria-labelledby": "gallery-title" });
  const summary = h("p", { class: "gallery-summary", id: "gallery-summary", role: "status" });
  const pager = h("nav", { class: "gallery-pager", "aria-label": t("gallery.pages") });
  const controls = h("div", { class: "gallery-filters" });
  const title = h("h1", { id: "gallery-title" }, t("gallery.title"));
  const back = h("p", { class: "book-line" });

  /**
   * @param {string} id
   * @param {string} label
   * @param {Array<[string, string]>} options
   * @param {"chapter" | "type" | "status"} key
   */
  const select = (id, label, options, key) => {
    const el = h(
      "select",
      { id, class: "select" },
      options.map(([value, text]) => h("option", { value, selected: filters[key] === value }, text)),
    );
    el.addEventListener("change", () => {
      filters[key] = el.value;
      filters.offset = 0;
      void load();
    });
    return h("div", { class: "field" }, h("label", { for: id }, label), el);
  };

  async function load() {
    const params = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(filters.offset) });
    if (filters.type) params.set("type", filters.type);
    if (filters.status) params.set("status", filters.status);
    const path = filters.chapter
      ? `/images/chapter/${filters.chapter}?${params}`
      : `/images/book/${bookId}?${params}`;
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
    const from = page.total ? page.offset + 1 : 0;
    const to = page.offset + page.items.length;
    summary.textContent = page.total
      ? t("gallery.showing", { from, to, total: page.total })
      : t("gallery.none");
    replace(grid, page.items.map((/** @type {Task} */ doc) => item(doc)));
    const prev = h("button", { type: "button", class: "button ghost", disabled: page.offset === 0 }, `← ${t("gallery.prev")}`);
    const next = h("button", { type: "button", class: "button ghost", disabled: to >= page.total }, `${t("gallery.next")} →`);
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

  /** @param {Task} doc */
  function item(doc) {
    const when = formatDate(doc.created_at);
    const picture =
      doc.status === "completed" && doc.image_url
        ? h("img", {
            src: doc.image_url,
            alt: t("gallery.alt", { date: when }),
            loading: "lazy",
            decoding: "async",
            width: doc.image?.width ?? 1024,
            height: doc.image?.height ?? 768,
          })
        : h("div", { class: `thumb-state state-${doc.status}`, "aria-hidden": "true" }, t(`status.${doc.status}`));
    const del = h("button", { type: "button", class: "button ghost small" }, t("gallery.delete"));
    del.addEventListener("click", async () => {
      if (!(await confirmAction(t("gallery.deleteConfirm"), t("gallery.delete")))) return;
      try {
        await request(`/images/${doc.image_id}`, { method: "DELETE" });
        if (grid.children.length === 1 && filters.offset > 0) filters.offset -= PAGE_SIZE;
        await load();
        summary.focus();
      } catch (err) {
        summary.textContent = err instanceof ApiError && err.detail ? err.detail : t("errors.network");
      }
    });
    const view = doc.image_url
      ? h("a", { class: "button ghost small", href: doc.image_url, target: "_blank", rel: "noopener" }, t("gallery.view"))
      : null;
    return h(
      "li",
      { class: "thumb", "data-task": doc.task_id, "data-status": doc.status },
      picture,
      h(
        "div",
        { class: "thumb-body" },
        h("p", { class: "thumb-meta" }, `${t(`status.${doc.status}`)} · ${when}`),
        h("div", { class: "thumb-actions" }, view, del),
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

  void (async () => {
    try {
      book = await request(`/books/${bookId}`);
    } catch {
      replace(grid, h("li", { class: "notice error", role: "alert" }, t("reader.notFound")));
      return;
    }
    if (!alive || !book) return;
    replace(back, h("a", { href: "#/" }, t("nav.library")), " / ", book.title);
    title.textContent = t("gallery.titleOf", { title: book.title });
    const first = book.chapters[0];
    replace(
      controls,
      select("filter-chapter", t("gallery.chapter"), [["", t("gallery.all")], ...book.chapters.map((c) => /** @type {[string, string]} */ ([c.id, c.title || t("reader.chapterN", { n: c.number })]))], "chapter"),
      select("filter-type", t("gallery.type"), [["", t("gallery.all")], ...DESCRIPTION_TYPES.map((d) => /** @type {[string, string]} */ ([d, t(`type.${d}`)]))], "type"),
      select("filter-status", t("gallery.status"), [["", t("gallery.all")], ...STATUSES.map((s) => /** @type {[string, string]} */ ([s, t(`status.${s}`)]))], "status"),
      first ? h("a", { class: "button ghost", href: href({ name: "book", bookId }) }, t("gallery.read")) : null,
    );
    await load();
  })();

  return () => {
    alive = false;
  };
}
