"""HTTP routes for a user's usage (under /images/user/...)."""

from __future__ import annotations

from fastapi import APIRouter

from vignette.api.deps import CurrentUserDep, RuntimeDep
from vignette.usage import service
from vignette.usage.schemas import UserStats

# Registered before the generation router: this literal path must win over /images/{id}.
router = APIRouter(prefix="/images", tags=["images"])


@router.get("/user/stats", response_model=UserStats)
def user_stats(rt: RuntimeDep, user: CurrentUserDep) -> UserStats:
    """Your books, descriptions found, images by type and status, and provider calls."""
    with rt.db.read() as session:
        return service.user_stats(session, user.id)
