"""Types shared by the API routers."""

from typing import Annotated

from ninja import Path

# Database ids fit a signed 64-bit integer; larger numbers are refused as invalid (422), not passed to the database.
ObjectId = Annotated[int, Path(ge=1, le=2**63 - 1)]
CallYear = Annotated[int, Path(ge=2014, le=2100)]
