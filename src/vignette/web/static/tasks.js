// @ts-check
/** The one place a task's latest document lives on the page; every view reads it from here. */

/** @typedef {import("./types.js").Task} Task */

/** @type {Map<string, Task>} */
const byTask = new Map();
/** @type {Map<string, string>} description id → its newest task id */
const byDescription = new Map();
/** @type {Set<(task: Task) => void>} */
const listeners = new Set();

const ORDER = { queued: 0, generating: 1, completed: 2, failed: 2, cancelled: 2 };

/**
 * Record a task document; older states never overwrite newer ones.
 * @param {Task} doc
 */
export function put(doc) {
  const known = byTask.get(doc.task_id);
  if (known && ORDER[known.status] > ORDER[doc.status]) return;
  if (known && known.status === doc.status && JSON.stringify(known) === JSON.stringify(doc)) return;
  byTask.set(doc.task_id, doc);
  const newest = byDescription.get(doc.description_id);
  const newestDoc = newest ? byTask.get(newest) : undefined;
  if (!newestDoc || newestDoc.task_id === doc.task_id || newestDoc.created_at <= doc.created_at) {
    byDescription.set(doc.description_id, doc.task_id);
  }
  for (const fn of listeners) fn(doc);
}

/**
 * @param {string} taskId
 * @returns {Task | undefined}
 */
export function get(taskId) {
  return byTask.get(taskId);
}

/**
 * The newest task known for a description.
 * @param {string} descriptionId
 * @returns {Task | undefined}
 */
export function forDescription(descriptionId) {
  const id = byDescription.get(descriptionId);
  return id ? byTask.get(id) : undefined;
}

/**
 * Be told of every change; returns the function that stops it.
 * @param {(task: Task) => void} fn
 * @returns {() => void}
 */
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
