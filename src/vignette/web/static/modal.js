// @ts-check
/** The image modal: a passage's picture, or its generation followed live; cancel, retry,
 * regenerate, zoom, download, previous/next passage. A dialog with a focus trap. */

import { ApiError, request } from "./api.js";
import { byId, h, replace } from "./dom.js";
import { followTask } from "./events.js";
import { formatDuration, has, t } from "./i18n.js";
import { show as showPicture } from "./pictures.js";
import * as tasks from "./tasks.js";
import { isFinal } from "./types.js";

/** @typedef {import("./types.js").Description} Description */
/** A passage the modal shows: from the reader, or a gallery item naming its own job and book.
 * @typedef {Description & {task_id?: string, book_id?: string}} Entry */
/** @typedef {import("./types.js").Task} Task */
/** @typedef {import("./events.js").Mode} Mode */

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';
const EXTENSIONS = { "image/webp": "webp", "image/png": "png", "image/jpeg": "jpg" };

/** @type {{stop: () => void} | null} */
let follow = null;
/** @type {Element | null} */
let opener = null;
/** @type {(() => void) | null} */
let unsubscribe = null;
/** @type {((entry: Entry) => Element | null) | null} */
let findOpener = null;
/** the book the passages belong to: their pictures are saved with it */
let group = "";

/**
 * Open the modal on one of a chapter's descriptions.
 * @param {Entry[]} list the passages to step through (a chapter's, in text order; a gallery page)
 * @param {number} index
 * @param {(entry: Entry) => Element | null} find the element that opens a passage (focus returns there)
 * @param {string} bookId the book whose copies the pictures are saved with (unless an entry names its own)
 */
export function openImage(list, index, find, bookId) {
  const dialog = byId("modal", HTMLDialogElement);
  if (!dialog.open) {
    opener = document.activeElement;
    dialog.showModal();
    dialog.addEventListener("cancel", onCancel);
    dialog.addEventListener("keydown", trap);
    dialog.addEventListener("click", onBackdrop);
  }
  findOpener = find;
  group = bookId;
  showDescription(dialog, list, index);
}

/** @param {Event} e */
function onCancel(e) {
  e.preventDefault();
  closeModal();
}

/** @param {MouseEvent} e */
function onBackdrop(e) {
  if (e.target === e.currentTarget) closeModal();
}

/** Close the modal; focus goes back to the highlight it was opened from. */
export function closeModal() {
  const dialog = byId("modal", HTMLDialogElement);
  follow?.stop();
  follow = null;
  unsubscribe?.();
  unsubscribe = null;
  dialog.removeEventListener("cancel", onCancel);
  dialog.removeEventListener("keydown", trap);
  dialog.removeEventListener("click", onBackdrop);
  if (dialog.open) dialog.close();
  dialog.replaceChildren();
  delete dialog.dataset.status;
  delete dialog.dataset.task;
  if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
  opener = null;
}

/**
 * Keep Tab inside the dialog.
 * @param {KeyboardEvent} e
 */
function trap(e) {
  if (e.key !== "Tab") return;
  const dialog = /** @type {HTMLDialogElement} */ (e.currentTarget);
  const items = [...dialog.querySelectorAll(FOCUSABLE)].filter(
    (el) => el instanceof HTMLElement && !el.hidden && el.offsetParent !== null,
  );
  if (!items.length) return;
  const first = /** @type {HTMLElement} */ (items[0]);
  const last = /** @type {HTMLElement} */ (items[items.length - 1]);
  const active = document.activeElement;
  if (e.shiftKey && (active === first || !dialog.contains(active))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (active === last || !dialog.contains(active))) {
    e.preventDefault();
    first.focus();
  }
}

/**
 * @param {HTMLDialogElement} dialog
 * @param {Entry[]} list
 * @param {number} index
 */
function showDescription(dialog, list, index) {
  follow?.stop();
  follow = null;
  unsubscribe?.();
  const d = list[index];
  const fromOpener = findOpener?.(d);
  if (fromOpener) opener = fromOpener;

  const closeBtn = h("button", { type: "button", class: "icon-button close", "aria-label": t("modal.close") }, h("span", { "aria-hidden": "true" }, "✕"));
  closeBtn.addEventListener("click", closeModal);
  const img = h("img", { class: "picture", alt: t("modal.alt", { type: t(`type.${d.type}`), text: shorten(d.text, 120) }), hidden: true });
  const steps = h(
    "ol",
    { class: "steps", "aria-label": t("modal.steps") },
    ["queued", "generating", "completed"].map((s) => h("li", { "data-step": s }, t(`status.${s}`))),
  );
  const statusText = h("p", { class: "status-text", id: "modal-status" });
  const live = h("p", { class: "live-mode hint" });
  const errorText = h("p", { class: "modal-error", role: "alert" });
  const progress = h("div", { class: "progress", role: "status", "aria-live": "polite" }, steps, statusText, live);
  const stage = h("div", { class: "stage", "data-status": "loading" }, progress, img);

  const cancel = h("button", { type: "button", class: "button", id: "modal-cancel", hidden: true }, t("modal.cancel"));
  const retry = h("button", { type: "button", class: "button primary", id: "modal-retry", hidden: true }, t("modal.retry"));
  const zoom = h("button", { type: "button", class: "button ghost", id: "modal-zoom", "aria-pressed": "false", hidden: true }, t("modal.zoom"));
  const download = h("a", { class: "button ghost", id: "modal-download", hidden: true }, t("modal.download"));
  const styleInput = h("input", { id: "modal-style", type: "text", maxlength: "300", placeholder: t("modal.stylePlaceholder") });
  const regenerate = h("button", { type: "submit", class: "button", id: "modal-regenerate" }, t("modal.regenerate"));
  const regenForm = h(
    "form",
    { class: "regen", hidden: true },
    h("label", { for: "modal-style" }, t("modal.style")),
    h("div", { class: "regen-row" }, styleInput, regenerate),
  );
  const prevBtn = h("button", { type: "button", class: "button ghost", disabled: index === 0 }, `← ${t("modal.prev")}`);
  const nextBtn = h("button", { type: "button", class: "button ghost", disabled: index >= list.length - 1 }, `${t("modal.next")} →`);
  prevBtn.addEventListener("click", () => showDescription(dialog, list, index - 1));
  nextBtn.addEventListener("click", () => showDescription(dialog, list, index + 1));

  replace(
    dialog,
    h(
      "div",
      { class: `modal-inner type-${d.type}` },
      h(
        "header",
        { class: "modal-head" },
        h("h2", { id: "modal-title" }, h("span", { class: `swatch hl-${d.type}`, "aria-hidden": "true" }), t(`type.${d.type}`)),
        h("span", { class: "modal-count" }, t("modal.count", { n: index + 1, total: list.length })),
        closeBtn,
      ),
      h("blockquote", { class: "passage", id: "modal-passage" }, d.text),
      stage,
      errorText,
      h("div", { class: "modal-actions" }, cancel, retry, zoom, download),
      regenForm,
      h("nav", { class: "modal-nav", "aria-label": t("modal.passages") }, prevBtn, nextBtn),
    ),
  );
  dialog.setAttribute("aria-describedby", "modal-passage");
  closeBtn.focus();

  /** @type {string | null} */
  let shownImage = null;

  /**
   * @param {Task} task
   * @param {Mode} mode
   */
  const paint = (task, mode) => {
    stage.dataset.status = task.status;
    dialog.dataset.status = task.status;
    dialog.dataset.task = task.task_id;
    const order = ["queued", "generating", "completed"];
    const at = order.indexOf(task.status);
    for (const li of steps.children) {
      const i = order.indexOf(li.getAttribute("data-step") ?? "");
      li.className = at < 0 ? "" : i < at ? "done" : i === at ? "current" : "";
      if (i === at) li.setAttribute("aria-current", "step");
      else li.removeAttribute("aria-current");
    }
    statusText.textContent = describe(task);
    live.textContent = isFinal(task.status) ? "" : t(`modal.mode.${mode}`);
    cancel.hidden = isFinal(task.status);
    retry.hidden = !(task.status === "failed" || task.status === "cancelled");
    errorText.textContent =
      task.status === "failed" ? t("modal.failed", { reason: errorWords(task) }) : "";
    const done = task.status === "completed" && task.image_url;
    zoom.hidden = !done;
    download.hidden = !done;
    regenForm.hidden = task.status !== "completed";
    if (done && task.image_url && shownImage !== task.image_url) {
      shownImage = task.image_url;
      const ext = EXTENSIONS[/** @type {keyof typeof EXTENSIONS} */ (task.image?.mime_type ?? "")] ?? "webp";
      const url = task.image_url;
      download.setAttribute("download", `vignette-${d.type}-${task.image_id.slice(0, 8)}.${ext}`);
      img.classList.remove("shown");
      img.hidden = false;
      if (task.image) {
        img.width = task.image.width;
        img.height = task.image.height;
      }
      showPicture(img, url, { group: d.book_id ?? group, description: d.id })
        .then((objectUrl) => {
          if (!objectUrl || shownImage !== url) return;
          download.setAttribute("href", objectUrl);
          return img.decode().then(() => img.classList.add("shown"));
        })
        .catch((err) => {
          if (shownImage !== url) return;
          errorText.textContent =
            err instanceof ApiError && err.status === 0 ? t("offline.imageNotSaved") : t("modal.imageFailed");
        });
    }
    if (!done) {
      img.hidden = true;
      shownImage = null;
    }
  };

  /** @param {Task} task */
  const track = (task) => {
    follow?.stop();
    follow = null;
    paint(task, "stream");
    if (!isFinal(task.status)) follow = followTask(task.task_id, paint);
  };

  /** @param {() => Promise<Task>} submit */
  const run = async (submit) => {
    errorText.textContent = "";
    try {
      const task = await submit();
      tasks.put(task);
      track(tasks.get(task.task_id) ?? task);
    } catch (err) {
      errorText.textContent = err instanceof ApiError && err.detail ? err.detail : t("errors.network");
      stage.dataset.status = "error";
      retry.hidden = false;
    }
  };
  const generate = () =>
    run(() => request(`/images/generate/async/${d.id}`, { method: "POST", body: {} }));

  cancel.addEventListener("click", async () => {
    const id = dialog.dataset.task;
    if (!id) return;
    cancel.disabled = true;
    follow?.stop();
    follow = null;
    try {
      const doc = await request(`/images/task/${id}/cancel`, { method: "POST" });
      tasks.put(doc);
      paint(tasks.get(id) ?? doc, "ended");
      retry.focus();
    } catch {
      errorText.textContent = t("errors.network");
      const known = tasks.get(id);
      if (known) track(known);
    } finally {
      cancel.disabled = false;
    }
  });
  retry.addEventListener("click", () => void generate().then(() => cancel.hidden || cancel.focus()));
  regenForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const id = dialog.dataset.task;
    const style = styleInput.value.trim();
    if (!id) return;
    void run(() =>
      request(`/images/regenerate/${id}`, { method: "POST", body: style ? { style } : {} }),
    ).then(() => cancel.hidden || cancel.focus());
  });
  zoom.addEventListener("click", () => {
    const on = stage.classList.toggle("zoomed");
    zoom.setAttribute("aria-pressed", String(on));
    zoom.textContent = on ? t("modal.zoomOut") : t("modal.zoom");
  });

  // Keep every view of this description's job in step (another tab, the batch, the stream).
  unsubscribe = tasks.subscribe((task) => {
    if (task.description_id === d.id && task.task_id === dialog.dataset.task) {
      paint(task, follow ? "stream" : "ended");
    }
  });

  const known = (d.task_id ? tasks.get(d.task_id) : undefined) ?? tasks.forDescription(d.id);
  if (known) {
    track(known);
    return;
  }
  statusText.textContent = t("modal.looking");
  void (async () => {
    try {
      /** @type {import("./types.js").Page} */
      const page = await request(`/images/description/${d.id}?limit=1`);
      if (page.items.length) {
        tasks.put(page.items[0]);
        track(tasks.forDescription(d.id) ?? page.items[0]);
        return;
      }
    } catch {
      // fall through to a new job
    }
    await generate();
  })();
}

/**
 * @param {string} text
 * @param {number} max
 */
function shorten(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The task's state in words.
 * @param {Task} task
 */
function describe(task) {
  switch (task.status) {
    case "queued": {
      const wait = task.estimated_wait_seconds ?? (task.estimated_wait_ms != null ? task.estimated_wait_ms / 1000 : null);
      const parts = [task.queue_position ? t("modal.queuedAt", { n: task.queue_position }) : t("modal.queued")];
      if (wait != null) parts.push(t("modal.wait", { time: formatDuration(wait) }));
      return parts.join(" · ");
    }
    case "generating":
      return task.provider
        ? t("modal.generatingWith", { provider: task.provider, n: Math.max(1, task.attempt_count) })
        : t("modal.generating");
    case "completed":
      return t("modal.completed");
    case "cancelled":
      return t("modal.cancelled");
    default:
      return t("modal.failedShort");
  }
}

/**
 * A failure in words: known codes are translated, others show the server's message.
 * @param {Task} task
 */
function errorWords(task) {
  const code = task.error?.code ?? "";
  if (code && has(`error.${code}`)) return t(`error.${code}`);
  return task.error?.message || code || t("errors.unknown");
}
