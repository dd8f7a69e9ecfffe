"""Ready-made survey instruments (docs/trust.md, "Instruments").

- national_trust: the national trust question (5 levels) and the reasons for distrust of the
  Bureau of National Statistics survey of October–November 2024 (seed 002);
- procedural_justice: voice, neutrality, respect, trustworthy motives (Tyler's four aspects,
  seed 002), agreement on a 5-point Likert scale;
- safety: feeling safe after dark, and the area judged safe or unsafe (seed 001, the
  perception-of-safety indicator, read by area);
- everyday_security: the six everyday (household-level) security indicators of seed 001;
- inspector: trust in one's district inspector (seed 001) and contacts with the police.

Each item: (code, kind, (kk, ru, en), options, extra); each option: (code, (kk, ru, en), score).
"""

from __future__ import annotations

from typing import Any

Text = tuple[str, str, str]
OptionSpec = tuple[str, Text, float | None]

TRUST_LEVELS: list[OptionSpec] = [
    ("trust", ("Сенемін", "Доверяю", "I trust"), 100.0),
    ("partly", ("Ішінара сенемін", "Частично доверяю", "I partly trust"), 200 / 3),
    ("rather_not", ("Керісінше, сенбеймін", "Скорее не доверяю", "I rather do not trust"), 100 / 3),
    ("not", ("Сенбеймін", "Не доверяю", "I do not trust"), 0.0),
    ("hard_to_say", ("Жауап беру қиын", "Затрудняюсь ответить", "Hard to say"), None),
]
YES_NO: list[OptionSpec] = [
    ("yes", ("Иә", "Да", "Yes"), 1.0),
    ("no", ("Жоқ", "Нет", "No"), 0.0),
    ("hard_to_say", ("Жауап беру қиын", "Затрудняюсь ответить", "Hard to say"), None),
]
AGREE: list[OptionSpec] = [
    ("1", ("Мүлдем келіспеймін", "Совершенно не согласен", "Strongly disagree"), 1.0),
    ("2", ("Келіспеймін", "Не согласен", "Disagree"), 2.0),
    ("3", ("Бейтараппын", "Ни да, ни нет", "Neither agree nor disagree"), 3.0),
    ("4", ("Келісемін", "Согласен", "Agree"), 4.0),
    ("5", ("Толық келісемін", "Полностью согласен", "Strongly agree"), 5.0),
]
NOT_FULL_TRUST = ["partly", "rather_not", "not", "hard_to_say"]

# Seed 002: the reasons for distrust and their published shares (%), in the seed's order.
DISTRUST_REASONS: list[tuple[str, Text, float]] = [
    ("corrupt", ("Сыбайлас жемқор", "Коррумпированы", "They are corrupt"), 33.7),
    (
        "formalism",
        (
            "Абыройсыздық, формализм, бюрократия",
            "Непрофессионализм, формализм, бюрократия",
            "Dishonour, formalism and bureaucracy",
        ),
        20.0,
    ),
    (
        "no_result",
        (
            "Бұрын жүгініп, оң нәтиже алмадым",
            "Обращался ранее и не получил результата",
            "Turned to them before with no positive result",
        ),
        19.1,
    ),
    (
        "punitive",
        (
            "Құқықты қорғаудан гөрі жазалауға бейім",
            "Больше наказывают, чем защищают права",
            "They punish rather than protect rights",
        ),
        17.1,
    ),
    (
        "fear",
        (
            "Қорқамын, байланыспаған дұрыс",
            "Боюсь, лучше не связываться",
            "Fear: better not to get involved",
        ),
        16.6,
    ),
    (
        "media",
        ("Бұқаралық ақпарат құралдарындағы ақпарат", "Информация в СМИ", "What the media report"),
        13.4,
    ),
    (
        "never_met",
        (
            "Бұл құрылыммен ешқашан кездеспедім",
            "Никогда не сталкивался с ними",
            "Never dealt with them",
        ),
        11.5,
    ),
    (
        "protect_state",
        (
            "Азаматтарды емес, мемлекеттік органдарды қорғайды",
            "Защищают госорганы, а не граждан",
            "They protect state bodies, not citizens",
        ),
        3.7,
    ),
    (
        "closed",
        ("Мемлекеттік органның жабықтығы", "Закрытость госоргана", "The agency is closed"),
        7.5,
    ),
    ("other", ("Басқа себеп", "Другая причина", "Another reason"), 0.1),
]
# Seed 002: the national trust distribution (%), October–November 2024.
NATIONAL_TRUST_2024 = {"trust": 64.3, "partly": 26.9, "rather_not": 3.9, "not": 3.4,
                       "hard_to_say": 1.5}  # fmt: skip

SAFE_AFTER_DARK: list[OptionSpec] = [
    ("very_safe", ("Өте қауіпсіз", "Очень безопасно", "Very safe"), 4.0),
    ("fairly_safe", ("Біршама қауіпсіз", "Скорее безопасно", "Fairly safe"), 3.0),
    ("bit_unsafe", ("Біршама қауіпті", "Скорее небезопасно", "A bit unsafe"), 2.0),
    ("very_unsafe", ("Өте қауіпті", "Очень небезопасно", "Very unsafe"), 1.0),
    (
        "never_out",
        ("Қараңғыда шықпаймын", "Не выхожу в тёмное время", "I never go out after dark"),
        None,
    ),
]

ItemSpec = tuple[str, str, Text, list[OptionSpec], dict[str, Any]]

INSTRUMENTS: dict[str, list[ItemSpec]] = {
    "national_trust": [
        (
            "trust_police",
            "single",
            ("Сіз полицияға сенесіз бе?", "Доверяете ли вы полиции?", "Do you trust the police?"),
            TRUST_LEVELS,
            {},
        ),
        (
            "distrust_reasons",
            "multiple",
            (
                "Полицияға толық сенбеуіңіздің себебі неде? (бірнеше жауап)",
                "Почему вы не вполне доверяете полиции? (несколько ответов)",
                "Why do you not fully trust the police? (several answers)",
            ),
            [(code, text, None) for code, text, _share in DISTRUST_REASONS],
            {"asked_if_item": "trust_police", "asked_if_options": NOT_FULL_TRUST},
        ),
    ],
    "procedural_justice": [
        (
            "pj_voice",
            "likert",
            (
                "Полиция шешім қабылдамас бұрын адамдарды тыңдайды.",
                "Полиция выслушивает людей, прежде чем принять решение.",
                "The police listen to people before making decisions.",
            ),
            AGREE,
            {},
        ),
        (
            "pj_neutrality",
            "likert",
            (
                "Полиция шешімдерді жеке көзқарасқа емес, фактілер мен заңға сүйеніп қабылдайды.",
                "Полиция принимает решения на основе фактов и закона, а не личных взглядов.",
                "The police decide on facts and the law, not on personal views.",
            ),
            AGREE,
            {},
        ),
        (
            "pj_respect",
            "likert",
            (
                "Полиция адамдарға құрметпен қарайды.",
                "Полиция относится к людям с уважением.",
                "The police treat people with dignity and respect.",
            ),
            AGREE,
            {},
        ),
        (
            "pj_motives",
            "likert",
            (
                "Полиция өзіне жүгінген адамдар үшін ең жақсысын жасауға тырысады.",
                "Полиция старается сделать лучшее для тех, кто к ней обращается.",
                "The police try to do what is best for the people they deal with.",
            ),
            AGREE,
            {},
        ),
    ],
    "safety": [
        (
            "safe_after_dark",
            "single",
            (
                "Қараңғы түскен соң өз ауданыңызда жалғыз жүру қаншалықты қауіпсіз?",
                "Насколько безопасно ходить одному в вашем районе после наступления темноты?",
                "How safe is it to walk alone in your area after dark?",
            ),
            SAFE_AFTER_DARK,
            {},
        ),
        (
            "area_safe",
            "single",
            (
                "Сіз тұратын аумақты қауіпсіз деп санайсыз ба?",
                "Считаете ли вы район, где живёте, безопасным?",
                "Do you consider the area where you live safe?",
            ),
            [
                ("safe", ("Қауіпсіз", "Безопасный", "Safe"), 1.0),
                ("unsafe", ("Қауіпті", "Небезопасный", "Unsafe"), 0.0),
            ],
            {},
        ),
    ],
    "everyday_security": [
        (
            "ev_family",
            "single",
            (
                "Отбасыңызда қорқынышсыз өмір сүресіз бе?",
                "Живёте ли вы в семье без страха?",
                "Do you live without fear within your family?",
            ),
            YES_NO,
            {},
        ),
        (
            "ev_dark",
            "single",
            (
                "Қараңғыда көшеге шығудан қорықпайсыз ба?",
                "Не боитесь ли вы выходить на улицу в тёмное время?",
                "Are you unafraid to go out in the street after dark?",
            ),
            YES_NO,
            {},
        ),
        (
            "ev_children",
            "single",
            (
                "Балаларыңыз аулада жүргенде не мектепке барғанда олар үшін қорықпайсыз ба?",
                "Не боитесь ли вы за детей, когда они гуляют во дворе или идут в школу?",
                "Are you unafraid for your children in the yard or on the way to school?",
            ),
            YES_NO,
            {},
        ),
        (
            "ev_neighbours",
            "single",
            (
                "Көршілеріңізбен дос қарым-қатынастасыз ба?",
                "Дружите ли вы с соседями?",
                "Are you on friendly terms with your neighbours?",
            ),
            YES_NO,
            {},
        ),
        (
            "ev_inspector",
            "single",
            (
                "Өз учаскелік инспекторыңызға сенесіз бе?",
                "Доверяете ли вы своему участковому?",
                "Do you trust your district inspector?",
            ),
            YES_NO,
            {},
        ),
        (
            "ev_tidy",
            "single",
            (
                "Ауданыңыз абаттандырылған ба, аулаңыз бен кіреберісіңіз таза ма?",
                "Благоустроен ли ваш район, ухожены ли двор и подъезд?",
                "Is your area well kept, with a tidy yard and entrance?",
            ),
            YES_NO,
            {},
        ),
    ],
    "inspector": [
        (
            "trust_inspector",
            "single",
            (
                "Өз учаскелік полиция инспекторыңызға қаншалықты сенесіз?",
                "Насколько вы доверяете своему участковому инспектору полиции?",
                "How far do you trust your district police inspector?",
            ),
            TRUST_LEVELS,
            {},
        ),
        (
            "police_contacts",
            "numeric",
            (
                "Соңғы 12 айда полицияға неше рет жүгіндіңіз?",
                "Сколько раз за последние 12 месяцев вы обращались в полицию?",
                "How many times have you contacted the police in the last 12 months?",
            ),
            [],
            {"min_value": 0, "max_value": 100},
        ),
    ],
}

# The item whose mean score (0–100, "hard to say" left out) is the trust index.
TRUST_ITEM = "trust_police"
