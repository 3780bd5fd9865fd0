// @ts-check
/** Live updates over server-sent events, paused while the page is hidden, with a polling
 * fallback for one task (every 3 s, bounded, stopping on a final state). */

import { API, ApiError, request } from "./api.js";
import * as tasks from "./tasks.js";
import { isFinal } from "./types.js";

/** @typedef {import("./types.js").Task} Task */
/** @typedef {import("./types.js").Book} Book */
/** @typedef {"stream" | "polling" | "paused" | "ended"} Mode */

export const POLL_MS = 3000;
export const MAX_POLL_MS = 15 * 60 * 1000;

/** @type {Set<() => void>} functions that react to the page becoming hidden or visible */
const visibilityHooks = new Set();
document.addEventListener("visibilitychange", () => {
  for (const fn of visibilityHooks) fn();
});

/**
 * @typedef {{onBook?: (book: Book) => void, onResync?: () => void}} UserHandlers
 */

/** @type {Set<UserHandlers>} */
const userHandlers = new Set();
/** @type {EventSource | null} */
let userSource = null;
let userWanted = false;

function openUserStream() {
  if (userSource || !userWanted || document.hidden) return;
  const source = new EventSource(`${API}/events`);
  source.addEventListener("task", (e) => tasks.put(JSON.parse(/** @type {MessageEvent} */ (e).data)));
  source.addEventListener("book", (e) => {
    const book = JSON.parse(/** @type {MessageEvent} */ (e).data);
    for (const h of userHandlers) h.onBook?.(book);
  });
  source.addEventListener("resync", () => {
    for (const h of userHandlers) h.onResync?.();
  });
  userSource = source;
}

function closeUserStream() {
  userSource?.close();
  userSource = null;
}

visibilityHooks.add(() => {
  if (document.hidden) {
    closeUserStream();
  } else {
    openUserStream();
    // Changes made while hidden were not seen: whoever shows data reloads it.
    for (const h of userHandlers) h.onResync?.();
  }
});

/** Start the user's change stream (after signing in). */
export function startUserStream() {
  userWanted = true;
  openUserStream();
}

/** Stop it (signing out). */
export function stopUserStream() {
  userWanted = false;
  closeUserStream();
}

/**
 * Listen to the user's book changes and resyncs; returns the function that stops it.
 * @param {UserHandlers} handlers
 * @returns {() => void}
 */
export function onUserEvents(handlers) {
  userHandlers.add(handlers);
  return () => userHandlers.delete(handlers);
}

/**
 * @typedef {{stop: () => void, mode: () => Mode}} Follow
 */

/**
 * Follow one task until a final state: its event stream, or polling when the stream fails.
 * Every document goes through the task store, then to `onDoc`.
 * @param {string} taskId
 * @param {(task: Task, mode: Mode) => void} onDoc
 * @param {{forcePolling?: boolean}} [options]
 * @returns {Follow}
 */
export function followTask(taskId, onDoc, options = {}) {
  /** @type {Mode} */
  let mode = options.forcePolling ? "polling" : "stream";
  /** @type {EventSource | null} */
  let source = null;
  /** @type {number | undefined} */
  let timer;
  let stopped = false;
  let failures = 0;
  // The id of the last document received: a stream reopened after the page was hidden asks
  // only for what changed since (a new EventSource cannot send Last-Event-ID itself).
  let lastEventId = "";
  const pollStarted = { at: 0 };

  /** @param {Task} doc */
  const deliver = (doc) => {
    if (stopped) return;
    tasks.put(doc);
    const latest = tasks.get(doc.task_id) ?? doc;
    if (isFinal(latest.status)) {
      finish();
      mode = "ended";
    }
    onDoc(latest, mode);
  };

  const finish = () => {
    stopped = true;
    source?.close();
    source = null;
    window.clearTimeout(timer);
    visibilityHooks.delete(onVisibility);
  };

  const openStream = () => {
    if (stopped || document.hidden) return;
    const resume = lastEventId ? `?last_event_id=${encodeURIComponent(lastEventId)}` : "";
    const es = new EventSource(`${API}/images/task/${taskId}/events${resume}`);
    es.addEventListener("task", (e) => {
      const event = /** @type {MessageEvent} */ (e);
      failures = 0;
      lastEventId = event.lastEventId || lastEventId;
      deliver(JSON.parse(event.data));
    });
    es.addEventListener("error", () => {
      if (stopped) return;
      failures += 1;
      // Closed for good (an HTTP error), or reconnects keep failing: poll instead.
      if (es.readyState === EventSource.CLOSED || failures >= 3) {
        es.close();
        source = null;
        startPolling();
      }
    });
    source = es;
  };

  const poll = async () => {
    if (stopped || document.hidden) return;
    if (Date.now() - pollStarted.at > MAX_POLL_MS) {
      finish();
      mode = "ended";
      const last = tasks.get(taskId);
      if (last) onDoc(last, mode);
      return;
    }
    try {
      deliver(await request(`/images/task/${taskId}`));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        finish();
        return;
      }
    }
    if (!stopped) timer = window.setTimeout(poll, POLL_MS);
  };

  const startPolling = () => {
    mode = "polling";
    if (!pollStarted.at) pollStarted.at = Date.now();
    const last = tasks.get(taskId);
    if (last) onDoc(last, mode);
    window.clearTimeout(timer);
    timer = window.setTimeout(poll, POLL_MS);
  };

  function onVisibility() {
    if (stopped) return;
    if (document.hidden) {
      source?.close();
      source = null;
      window.clearTimeout(timer);
      const last = tasks.get(taskId);
      if (last) onDoc(last, "paused");
    } else if (mode === "polling") {
      window.clearTimeout(timer);
      void poll();
    } else {
      openStream();
    }
  }

  visibilityHooks.add(onVisibility);
  if (mode === "polling") startPolling();
  else openStream();
  return {
    stop: finish,
    mode: () => mode,
  };
}
