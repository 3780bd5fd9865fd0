// @ts-check
/** The API's documents, as the page uses them. */

/**
 * @typedef {"queued" | "generating" | "completed" | "failed" | "cancelled"} TaskState
 * @typedef {{code: string, message: string, retryable: boolean}} TaskError
 * @typedef {{url: string, mime_type: string, width: number, height: number}} ImageInfo
 * @typedef {{attempt: number, provider: string, outcome: string, error_code: string | null}} Attempt
 * @typedef {{
 *   task_id: string, image_id: string, description_id: string, status: TaskState,
 *   provider: string | null, queue_position: number | null, attempt_count: number,
 *   attempts: Attempt[], image_url: string | null, image: ImageInfo | null,
 *   error: TaskError | null, created_at: string, estimated_wait_seconds?: number | null,
 *   estimated_wait_ms?: number | null
 * }} Task
 * @typedef {{chapters_done: number, chapters_total: number}} Progress
 * @typedef {{id: string, number: number, title: string}} ChapterSummary
 * @typedef {{
 *   id: string, title: string, author: string, language: string, status: "processing" | "ready" | "failed",
 *   error: string | null, error_code: string | null, progress: Progress, filename: string,
 *   cover_url: string | null, created_at: string, descriptions_found: number, images_made: number,
 *   chapters: ChapterSummary[]
 * }} Book
 * @typedef {"character" | "location" | "atmosphere" | "object" | "action"} DescriptionType
 * @typedef {{id: string, type: DescriptionType, text: string, start: number, end: number}} Description
 * @typedef {ChapterSummary & {book_id: string, text: string, descriptions: Description[]}} Chapter
 * @typedef {Task & {book_id: string, book_title: string, chapter_id: string, chapter_number: number,
 *   chapter_title: string, description: Description}} GalleryItem
 * @typedef {{items: any[], total: number, limit: number, offset: number}} Page
 */

export const FINAL = new Set(["completed", "failed", "cancelled"]);
export const DESCRIPTION_TYPES = /** @type {const} */ ([
  "character", "location", "atmosphere", "object", "action",
]);

/**
 * @param {string} status
 * @returns {boolean}
 */
export function isFinal(status) {
  return FINAL.has(status);
}
