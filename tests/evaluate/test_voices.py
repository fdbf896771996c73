from writersroom.evaluate.voices import distinctiveness, per_speaker_recall

PIRATE = [
    "Arr, the tide turns, matey!",
    "Hoist the sails, ye dogs!",
    "Arr, where be my rum?",
    "Ye call that a storm, matey? Arr!",
]
CLERK = [
    "Please file the invoices by Monday.",
    "The quarterly audit is due on Friday.",
    "I have updated the spreadsheet with the invoices.",
    "Monday's meeting is moved.",
]


def test_speakers_with_their_own_vocabulary_are_told_apart():
    assert distinctiveness({"JACK": PIRATE, "MARGE": CLERK}) > 0.7


def test_speakers_sharing_identical_lines_are_not_distinct():
    same = {"JACK": PIRATE, "MARGE": list(PIRATE)}
    assert distinctiveness(same) == 0.0
    mixed = {"JACK": PIRATE[:2] + CLERK[:2], "MARGE": CLERK[2:] + PIRATE[2:]}
    assert distinctiveness(mixed) < distinctiveness({"JACK": PIRATE, "MARGE": CLERK})


def test_speakers_with_too_few_lines_are_left_out():
    assert per_speaker_recall({"JACK": PIRATE, "WALK-ON": ["Hi."]}) == {}
    assert distinctiveness({"JACK": PIRATE}) == 0.0
