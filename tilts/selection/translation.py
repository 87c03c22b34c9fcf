"""The texts of a call and its criteria in every site language (django-modeltranslation ``_lv``/``_en`` columns)."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from tilts.selection.models import Call, Criterion


@register(Call)
class CallTranslationOptions(TranslationOptions):
    fields = ("title", "text", "eligibility")
    required_languages = {"lv": ("title", "text", "eligibility"), "en": ("title",)}


@register(Criterion)
class CriterionTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"lv": ("name",), "en": ("name",)}


# Registered after modeltranslation has added the language columns, so history keeps every language's text.
register_history(Call)
register_history(Criterion)
