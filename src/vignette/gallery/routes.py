"""HTTP routes for image listings (under /images/...), newest first, paginated, filtered."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from vignette.api.deps import CurrentUserDep, Limit, Offset, RuntimeDep
from vignette.db.models import JobStatus
from vignette.descriptions.types import DescriptionType
from vignette.gallery import service
from vignette.gallery.schemas import GalleryPage
from vignette.gallery.service import PageRequest

# Registered before the generation router: these literal paths must win over /images/{id}.
router = APIRouter(prefix="/images", tags=["images"])

TypeFilter = Annotated[DescriptionType | None, Query(alias="type")]
StatusFilter = Annotated[JobStatus | None, Query()]
Order = Annotated[Literal["newest", "oldest"], Query(description="by creation time")]


def listing(
    type_: TypeFilter = None,
    status: StatusFilter = None,
    order: Order = "newest",
    limit: Limit = 20,
    offset: Offset = 0,
) -> PageRequest:
    """The page, filters and order of a listing, from its query parameters."""
    return PageRequest(limit, offset, type_, status, oldest_first=order == "oldest")


ListingDep = Annotated[PageRequest, Depends(listing)]


@router.get("", response_model=GalleryPage)
def images_for_user(rt: RuntimeDep, user: CurrentUserDep, page: ListingDep) -> GalleryPage:
    """The user's images and jobs across all their books; filters `type` and `status`."""
    with rt.db.read() as session:
        return service.user_images(session, user.id, page=page)


@router.get("/book/{book_id}", response_model=GalleryPage)
def images_for_book(
    book_id: uuid.UUID, rt: RuntimeDep, user: CurrentUserDep, page: ListingDep
) -> GalleryPage:
    """The book's images and jobs; filters `type` and `status`."""
    with rt.db.read() as session:
        return service.book_images(session, user.id, book_id, page=page)


@router.get("/chapter/{chapter_id}", response_model=GalleryPage)
def images_for_chapter(
    chapter_id: uuid.UUID, rt: RuntimeDep, user: CurrentUserDep, page: ListingDep
) -> GalleryPage:
    """The chapter's images and jobs; filters `type` and `status`."""
    with rt.db.read() as session:
        return service.chapter_images(session, user.id, chapter_id, page=page)


@router.get("/description/{description_id}", response_model=GalleryPage)
def images_for_description(
    description_id: uuid.UUID,
    rt: RuntimeDep,
    user: CurrentUserDep,
    limit: Limit = 20,
    offset: Offset = 0,
) -> GalleryPage:
    """The description's images and jobs, newest first."""
    page = PageRequest(limit, offset)
    with rt.db.read() as session:
        return service.description_images(session, user.id, description_id, page=page)
