"""How long a free text may be, defined once for the models, the forms and the API schemas.

Far above what anyone writes (a long motivation is 3,000 characters), low enough that nobody stores a novel.
Longer input is refused with the field's message (forms) or 422 (API), nothing changed.
"""

from typing import Annotated

from pydantic import Field

# Names, titles, places, one-line answers.
SHORT_TEXT_MAX = 300
# Motivations, learning objectives, report texts, plans, notes, reasons, call texts.
LONG_TEXT_MAX = 10_000
# Codes and choices sent as text (types, statuses, languages, countries).
CODE_MAX = 50

# The same limits for the API's input schemas (their OpenAPI properties carry maxLength).
ShortText = Annotated[str, Field(max_length=SHORT_TEXT_MAX)]
LongText = Annotated[str, Field(max_length=LONG_TEXT_MAX)]
Code = Annotated[str, Field(max_length=CODE_MAX)]
