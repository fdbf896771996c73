from writersroom.evaluate import script
from writersroom.screenplay import fountain


def test_scenes_keep_action_and_speeches_in_order(heist):
    scenes = script.scene_texts(heist)
    assert [s.heading for s in scenes][:2] == [
        "INT. RETIREMENT HOME - DAY",
        "EXT. CARLTON JEWELERS - NIGHT",
    ]
    assert scenes[0].speeches[0] == ("WALT", "They moved bingo to Thursday again.")
    assert "(beat)" not in scenes[0].prose  # parentheticals are not spoken
    assert scenes[0].dialogue_words > scenes[0].action_words


def test_marked_sections_become_acts(heist):
    scenes = script.scene_texts(heist)
    acts, marked = script.assign_acts(scenes, [1.0] * len(scenes))
    assert marked
    assert acts == [1, 1, 2, 2, 3, 3]
    assert script.act_shares(acts, [1.0] * 6) == (2 / 6, 2 / 6, 2 / 6)


def test_unmarked_acts_follow_position():
    doc = fountain.parse("\n\n".join(f"INT. ROOM {i} - DAY\n\nA beat." for i in range(8)))
    acts, marked = script.assign_acts(script.scene_texts(doc), [1.0] * 8)
    assert not marked
    assert acts == [1, 1, 2, 2, 2, 2, 3, 3]


def test_characters_report_share_presence_and_introductions(heist):
    scenes = script.scene_texts(heist)
    acts, _ = script.assign_acts(scenes, [1.0] * len(scenes))
    cast = script.characters(heist, scenes, acts)
    names = [c.name for c in cast]
    assert set(names) == {"EDNA", "WALT", "NURSE PAT", "GUARD"}
    edna = cast[names.index("EDNA")]
    assert edna.acts == (1, 2, 3) and edna.introduced
    assert abs(sum(c.share for c in cast) - 1.0) < 1e-9
    signals = script.character_signals(cast)
    assert signals["speaking_characters"] == 4.0
    assert signals["introduced_share"] == 1.0


def test_a_character_who_speaks_before_being_introduced_is_flagged():
    doc = fountain.parse("INT. ROOM - DAY\n\nZED\nHello.\n\nLater, ZED leaves.")
    scenes = script.scene_texts(doc)
    cast = script.characters(doc, scenes, [1])
    assert not cast[0].introduced


def test_format_issues_are_counted():
    doc = fountain.parse(
        ".THE ROOM\n\n" + "He walks and walks " * 20 + "\n\nCLOSE ON a clock.\n\nCUT TO:\n\n"
        "INT. HALL - DAY\n\nA door."
    )
    issues = script.format_issues(doc, script.scene_texts(doc))
    assert issues["heading_without_int_ext"] == 1
    assert issues["dense_action"] == 1
    assert issues["camera_direction"] == 1
    clean = fountain.parse("INT. HALL - DAY\n\nA door opens.\n\nBOB\nHi.")
    assert script.format_issues(clean, script.scene_texts(clean)) == {}


def test_prose_without_headings_is_one_scene_and_flagged():
    doc = fountain.parse("Once upon a time there was a fox.\n\nThe end.")
    scenes = script.scene_texts(doc)
    assert len(scenes) == 1 and scenes[0].heading == ""
    assert script.format_issues(doc, scenes) == {"no_scene_headings": 1}


def test_dialogue_signals_measure_balance_and_speech_length(heist):
    scenes = script.scene_texts(heist)
    s = script.dialogue_signals(scenes)
    assert 0.3 < s["dialogue_ratio"] < 0.7
    assert s["long_speech_share"] == 0.0
    assert 0.0 <= s["speaker_distinctiveness"] <= 1.0
    monologue = fountain.parse("INT. ROOM - DAY\n\nBOB\n" + "I keep talking about it. " * 20)
    m = script.dialogue_signals(script.scene_texts(monologue))
    assert m["long_speech_share"] == 1.0
    assert m["dialogue_repetition_3"] > 0.5
