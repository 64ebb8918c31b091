"""The output schema (schema_version 1): pydantic models are its single source.

``jtai-extract --schema`` prints ``Letter.model_json_schema()``. Field order here is the order of
keys in the JSON output.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Model):
    """Why a tag was given: the matched words and their character offsets in the finding's text."""

    label: str
    text: str
    start: int = Field(description="offset of the first character in the finding's text")
    end: int = Field(description="offset just past the last character")
    weight: float | None = Field(None, description="what the mention adds to the tag's score (its row's weight "
                                                   "times the factors of its role and sentence)")
    role: str | None = Field(None, description="the mention's role in its sentence: subject, actor, agent, partner, "
                                               "recipient, setting, example or frame")


class Box(_Model):
    """Where an item is printed: one box per page it runs over, in PDF points from the page's
    top-left corner (as pdfplumber measures). Text letters have no layout: no boxes."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float


class Finding(_Model):
    id: str = Field(description="S1.. strengths, A1.. areas for improvement, P1.. priority actions")
    text: str
    pages: list[int]
    subheading: str | None = Field(None, description="the bold sub-heading the finding sits under, if any")
    agencies: list[str] = []
    themes: list[str] = []
    evidence: list[Evidence] = []
    boxes: list[Box] = Field([], description="where it is printed, one box per page (PDF input only)")


class CaseStudy(_Model):
    id: str
    kind: Literal["effective_practice", "area_for_improvement"]
    heading: str
    text: str
    pages: list[int]
    agencies: list[str] = []
    themes: list[str] = []
    evidence: list[Evidence] = []
    boxes: list[Box] = Field([], description="where it is printed, one box per page (PDF input only)")


class Narrative(_Model):
    id: str
    section: str = Field(description="summary, context, headline_findings, main_findings, next_steps or other")
    heading: str | None
    text: str
    pages: list[int]
    agencies: list[str] = []
    themes: list[str] = []
    evidence: list[Evidence] = []
    boxes: list[Box] = Field([], description="where it is printed, one box per page (PDF input only)")


class Source(_Model):
    path: str
    sha256: str
    format: Literal["pdf", "text"]
    pages: int


class Theme(_Model):
    label: str | None
    text: str | None


class Inspection(_Model):
    start: str | None
    end: str | None


class Addressee(_Model):
    name: str
    role: str | None
    organisation: str | None
    agency: str | None


class Agency(_Model):
    name: str
    label: str | None
    addressees: list[str]


class Deadline(_Model):
    date: str | None
    action: str | None
    email: str | None
    responsible: str | None


class Signatory(_Model):
    name: str
    role: str | None
    inspectorate: str | None


class Letter(_Model):
    schema_version: int = SCHEMA_VERSION
    source: Source
    title: str | None
    letter_date: str | None
    area: str | None
    theme: Theme
    inspection: Inspection
    inspectorates: list[str]
    addressees: list[Addressee]
    agencies: list[Agency]
    narrative: list[Narrative]
    strengths: list[Finding]
    areas_for_improvement: list[Finding]
    priority_actions: list[Finding]
    case_studies: list[CaseStudy]
    deadlines: list[Deadline]
    signatories: list[Signatory]
    warnings: list[str]
