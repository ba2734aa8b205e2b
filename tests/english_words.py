"""The check that a Dutch text has no English left: the words of the engine's English refusals (messages and
rules) with no place in a Dutch sentence, once what a Dutch text keeps verbatim is taken out — a quoted
value, the sample tokens a test put in, a file's column names, a command line, a profile key."""

from __future__ import annotations

import re

# Words of the engine's English messages with no place in a Dutch sentence ("is", "in", "of", "op", "per",
# "open" and "plan" are Dutch words too, so they are not here).
ENGLISH = re.compile(
    r"(?<![\w-])(the|an|not|has|have|may|must|only|already|cannot|with|by|for|and|to|nothing|there|this|"
    r"that|which|refused|found|give|needs?|before|after|from|first|until|its|their|you|are|was|were|been|"
    r"or|one|here|no|yes|at|be|on|it|into|than|more|any|yet|record|recorded|unknown|malformed|expected|row|"
    r"column|file|level|step|meeting|verdict|sanction|obligation|participants?|supplier|category|client|"
    r"escalation|improvement|survey|round|months?|days?|year|quarter|period|topic|grade|value|lies|future|"
    r"past|today|wait|response|assessed|closed|should|does|shows?)(?![\w-])"
)
QUOTED = re.compile(r"(?<!\w)'.*?'(?!\w)")  # a quoted value ('delivery', 'kpi') stays as the engine wrote it
# what a Dutch message keeps verbatim: a file's column names, a command line to run, the values a field takes
KEPT = re.compile(
    r"kolom \w+|\((?:sanction|escalation|obligation|person|participant|survey|kpi) [^)]*\)|"
    r"obligation fulfil OBL-n|participant add|\(yes, no, ja, nee, 1, 0\)|--[\w-]+(?: [A-Z]+)?"
)


def english_words(dutch: str, tokens: tuple[str, ...]) -> list[str]:
    """The English words left in `dutch` (a text with the sample `tokens` put in)."""
    text = QUOTED.sub("", dutch)
    for token in tokens:
        text = text.replace(token, "")
    return ENGLISH.findall(KEPT.sub("", text))
