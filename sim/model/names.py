"""Texts people read in the file formats (names, descriptions): one for both languages, or one per language."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError


class Names(BaseModel):
    """A text (a display name, a description) in each language the product speaks; one text serves both."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    zh: str = Field(min_length=1, description="中文名称")
    en: str = Field(min_length=1, description="English name")

    @model_validator(mode="before")
    @classmethod
    def _one_text_for_both(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"zh": data, "en": data}
        if not isinstance(data, dict):
            raise PydanticCustomError(
                "name_type", "must be a text or {zh: …, en: …}, got {value}", {"value": repr(data)}
            )
        return data

    def __getitem__(self, lang: str) -> str:
        return str(getattr(self, lang))

    def __str__(self) -> str:
        return self.zh if self.zh == self.en else f"{self.zh} / {self.en}"
