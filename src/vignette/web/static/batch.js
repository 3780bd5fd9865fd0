// @ts-check
/** "Illustrate chapter": queue the chapter's top passages and count the pictures as they come. */

import { ApiError, request } from "./api.js";
import { h, replace } from "./dom.js";
import { t } from "./i18n.js";
import * as tasks from "./tasks.js";
import { isFinal } from "./types.js";

/** @typedef {import("./types.js").Chapter} Chapter */

const MAX_IMAGES = 5;
const POLL_MS = 3000;

/**
 * @param {Chapter} chapter
 * @param {HTMLElement} box where the count is shown
 * @param {HTMLButtonElement} button the button that started it
 */
export async function startBatch(chapter, box, button) {
  button.disabled = true;
  box.classList.add("shown");
  replace(box, t("batch.starting"));
  /** @type {{batch_id: string, job_ids: string[]}} */
  let created;
  try {
    created = await request(`/images/generate/async/chapter/${chapter.id}`, {
      method: "POST",
      body: { max_images: MAX_IMAGES },
    });
  } catch (err) {
    replace(box, err instanceof ApiError && err.detail ? err.detail : t("errors.network"));
    button.disabled = false;
    return;
  }
  const ids = created.job_ids;
  if (!ids.length) {
    replace(box, t("batch.nothing"));
    button.disabled = false;
    return;
  }
  const count = h("span", { class: "batch-count" });
  const bar = h("progress", { max: ids.length, value: 0, "aria-label": t("batch.progressLabel") });
  const cancel = h("button", { type: "button", class: "button ghost" }, t("batch.cancelRest"));
  replace(box, bar, count, cancel);

  let stopped = false;
  const draw = () => {
    const docs = ids.map((id) => tasks.get(id));
    const done = docs.filter((d) => d?.status === "completed").length;
    const final = docs.filter((d) => d && isFinal(d.status)).length;
    bar.value = done;
    count.textContent = t("batch.count", { done, total: ids.length });
    if (final === ids.length) {
      stopped = true;
      cancel.hidden = true;
      button.disabled = false;
      unsubscribe();
      window.clearTimeout(timer);
    }
  };
  const unsubscribe = tasks.subscribe((task) => {
    if (ids.includes(task.task_id)) draw();
  });
  /** @type {number | undefined} */
  let timer;
  // The user stream brings each job's changes; the batch document is read as a fallback.
  const poll = async () => {
    if (stopped || !box.isConnected) {
      unsubscribe();
      return;
    }
    if (!document.hidden) {
      try {
        const doc = await request(`/images/batch/${created.batch_id}`);
        for (const job of doc.jobs) tasks.put(job);
      } catch {
        // next time
      }
    }
    draw();
    if (!stopped) timer = window.setTimeout(poll, POLL_MS);
  };
  cancel.addEventListener("click", async () => {
    cancel.disabled = true;
    await Promise.all(
      ids
        .filter((id) => !isFinal(tasks.get(id)?.status ?? "queued"))
        .map((id) => request(`/images/task/${id}/cancel`, { method: "POST" }).then(tasks.put, () => {})),
    );
    draw();
  });
  void poll();
}
