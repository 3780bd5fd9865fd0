"""All models, imported here so metadata is complete for migrations."""

from vignette.db.models.batches import Batch, BatchJob
from vignette.db.models.books import Book, BookStatus, Chapter, Description
from vignette.db.models.idempotency import IdempotencyRecord
from vignette.db.models.images import ImageFile, ImageJob, JobStatus, ProviderCall
from vignette.db.models.translations import TranslationCache
from vignette.db.models.users import BrowserSession, User

__all__ = [
    "Batch",
    "BatchJob",
    "Book",
    "BookStatus",
    "BrowserSession",
    "Chapter",
    "Description",
    "IdempotencyRecord",
    "ImageFile",
    "ImageJob",
    "JobStatus",
    "ProviderCall",
    "TranslationCache",
    "User",
]
