"""The browser session's documents."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class SignIn(BaseModel):
    """An API key, exchanged once for a session cookie."""

    api_key: str = Field(min_length=1, max_length=512)


class SessionOut(BaseModel):
    """The signed-in browser's session: whose it is (the page keeps its offline copies per
    user) and the token its unsafe requests must send."""

    user_id: uuid.UUID
    csrf_token: str
    expires_at: datetime
