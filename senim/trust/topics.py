"""Topics of a media item by word stems in Kazakh and Russian (docs/trust.md, "Topics").

Rules, not a model: each topic lists the stems that name it; a stem matches at the start of a
word, case-insensitively, and the matched words are kept as the reason shown to the operator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

STEMS: dict[str, tuple[str, ...]] = {
    "corruption": ("коррупц", "антикоррупц", "сыбайлас жемқор", "жемқор"),
    "bribery": ("взятк", "взяточ", "мзд", "вымога", "побор", "пара ал", "пара сұра", "парақор",
                "пара бер", "бопсала"),
    "abuse_of_office": ("превышени", "злоупотреб", "служебным положением", "незаконн",
                        "фальсификац", "өкілеттігін асыра", "лауазым", "қызмет бабын теріс",
                        "заңсыз", "қолдан жаса"),
    "violence": ("пыт", "избил", "избиени", "насили", "применили силу", "выбивав", "побои",
                 "побоев", "азапта", "ұрып-соқ", "ұрып-соғ", "соққыға", "зорлық", "күш қолдан",
                 "сабап", "күштеп"),
    "drunkenness": ("нетрезв", "пьян", "алкогол", "опьянен", "мас күй", "ішімдік", "масаң"),
    "road_accident": ("дтп", "авари", "сбил", "столкнов", "жол-көлік оқиға", "жол апат",
                      "апатқа", "қағып кет"),
    "rudeness": ("груб", "хамств", "оскорб", "нецензурн", "кричит", "дөрекі", "балағат",
                 "айқайла"),
    "rescue": ("спас", "помог", "помощь", "эвакуир", "вынес", "вытащил", "защитил", "құтқар",
               "көмек", "эвакуац", "аман алып", "қорғап қал", "шығарып ал"),
    "crime_solved": ("раскры", "задержал подозрева", "задержали подозрева",
                     "задержала подозрева", "задержан мошенник", "разоблачил", "задержала лидера",
                     "ашып", "ашты", "ашқаны", "күдіктіні ұста", "әшкерелеп", "топты ұстады",
                     "жетекшісін ұстады", "алаяқ полиция"),
}  # fmt: skip
_PATTERNS = {
    topic: re.compile(r"(?<!\w)(" + "|".join(re.escape(s) for s in stems) + r")[\w-]*", re.I)
    for topic, stems in STEMS.items()
}


@dataclass(frozen=True)
class TopicMatch:
    code: str
    words: tuple[str, ...]


def find_topics(text: str) -> list[TopicMatch]:
    found = []
    for topic, pattern in _PATTERNS.items():
        words = tuple(dict.fromkeys(m.group(0).lower() for m in pattern.finditer(text)))
        if words:
            found.append(TopicMatch(topic, words))
    return found
