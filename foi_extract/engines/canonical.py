"""Map a reply's own questions onto the request's canonical questions (`--questions`).

Replies renumber, merge and drop questions; matching by how much of each question the reply restates (then by id) gives
every document of a batch the same question ids, so answers line up column by column.
"""

from __future__ import annotations

from .. import review
from ..models import Extraction, Notice, Question
from ..questionset import QuestionSet, coverage

MIN_COVERAGE = 0.5


def map_to_question_set(ex: Extraction, qset: QuestionSet) -> Extraction:
    found = list(ex.questions)
    used: set[int] = set()
    out: list[Question] = []
    warnings = list(ex.warnings)
    for cq in qset.questions:
        best, best_score = None, 0.0
        for i, q in enumerate(found):
            if i in used:
                continue
            score = coverage(cq.text, q.text or "")
            if q.id == cq.id:
                score += 0.25 if q.text else 1.0  # shared out by id already (rules/joint.py)
            if score > best_score:
                best, best_score = i, score
        if best is not None and best_score >= MIN_COVERAGE:
            used.add(best)
            out.append(found[best].model_copy(update={"id": cq.id}))
        elif len(found) == 1:  # one answer for the whole set: each question shares it
            shared = found[0].model_copy(update={"id": cq.id}, deep=True)
            out.append(shared)
        else:
            warnings.append(
                Notice(
                    code="question_unmatched",
                    message=f"question {cq.id} of the question set was not found in the reply",
                )
            )
            out.append(
                Question(
                    id=cq.id, text=None, status="not_answered", review=[review.NO_ANSWER_FOUND]
                )
            )
    for i, q in enumerate(found):
        if i not in used and len(found) > 1:
            warnings.append(
                Notice(
                    code="question_extra",
                    message=f"reply question {q.id} matches no question of the set",
                )
            )
    return ex.model_copy(update={"questions": out, "warnings": warnings})
