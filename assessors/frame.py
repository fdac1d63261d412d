"""The assessment's frame: what an audit report states besides the answers (scope, period, methods, sign-off).

Kept apart from the answers so that a questionnaire without a frame still loads, and the report can say which parts
of the frame are missing instead of inventing them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class AssessmentFrame(BaseModel):
    """Everything the report's frame pages show that is typed by people, not computed."""

    model_config = ConfigDict(extra="forbid")
