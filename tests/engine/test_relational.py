"""Relational mutations, values that relate, and swarm: new calls that use what a script holds."""

from __future__ import annotations

from apifuzz.engine.generate import INTERESTING_INTS, Rng, StatementGenerator, related
from apifuzz.engine.relational import LEARN_EVERY, Relations
from apifuzz.interpreter import Interpreter
from apifuzz.interpreter.parser import Call, LineParser
from apifuzz.language import LoadedTarget

SCRIPT = ["add 5", "add 7", "resize 12 40", "total"]


def relations(spec: str = "rootcause_models:shelf_target") -> tuple[Relations, LineParser]:
    language = LoadedTarget.load(spec).language()
    parser = LineParser(language)
    return Relations(StatementGenerator(language), parser), parser


def test_a_related_call_names_an_object_an_earlier_call_names() -> None:
    rel, parser = relations()
    for seed in range(50):
        lines = list(SCRIPT)
        assert rel.insert_related(lines, Rng(seed))
        (new,) = [line for line in lines if line not in SCRIPT or lines.count(line) > 1][:1]
        at = lines.index(new, lines.index("resize 12 40") + 1)
        call = parser.parse(lines[at])
        assert isinstance(call, Call) and call.args[0] == 12  # the resized object, after it


def test_a_script_without_objects_gets_no_related_call() -> None:
    rel, _ = relations()
    lines = ["add 5", "total"]
    assert not any(rel.insert_related(lines, Rng(seed)) for seed in range(20))
    assert lines == ["add 5", "total"]


def test_a_reused_value_comes_from_the_script() -> None:
    rel, parser = relations()
    # add's size can take another call's int, plus or minus one, or the sum of resize's two.
    allowed = {5, 7, 12, 40, 52} | {v + d for v in (5, 7, 12, 40, 52) for d in (-1, 1)}
    changed = 0
    for seed in range(200):
        lines = list(SCRIPT)
        if rel.reuse_value(lines, Rng(seed)) and lines != SCRIPT:
            changed += 1
            for line in lines:
                call = parser.parse(line)
                assert isinstance(call, Call)
                assert all(v in allowed for v in call.args if isinstance(v, int)), lines
    assert changed > 20


def test_call_pairs_are_learned_from_the_corpus() -> None:
    rel, _ = relations()
    for _ in range(LEARN_EVERY):
        rel.learn(["add 1", "resize 1 3", "remove 1"])
    assert rel.pairs == {"resize": {"remove": 1}}


def test_swarm_draws_a_subset_and_new_calls_come_from_it() -> None:
    language = LoadedTarget.load("rootcause_models:shelf_target").language()
    generator = StatementGenerator(language)
    subsets = set()
    for seed in range(40):
        generator.swarm(Rng(seed))
        assert generator.enabled
        subsets.add(tuple(generator.enabled))
        names = {generator.methods[i].name for i in generator.enabled}
        aliases = {generator.aliases[n] for n in names}
        rng = Rng(seed)
        assert all(generator.statement(rng).split()[0] in aliases for _ in range(30))
    assert len(subsets) > 5 and tuple(range(len(generator.methods))) in subsets


def test_related_items_repeat_neighbour_or_order() -> None:
    items = ["[1 5]", "[3 9]"]
    seen = {tuple(related(items, Rng(seed))) for seed in range(40)}
    assert ("[1 5]", "[3 9]", "[1 5]") in seen or ("[1 5]", "[3 9]", "[3 9]") in seen
    assert any(("[2 6]" in s or "[4 10]" in s or "[0 4]" in s) for s in seen)  # overlapping
    assert ("[3 9]", "[1 5]") in seen  # reversed


def test_interesting_ints_hold_boundaries_and_hash_collisions() -> None:
    assert {2**15 - 1, 2**31, -(2**63), 2**64 - 1} <= set(INTERESTING_INTS)
    small = {hash(v) for v in INTERESTING_INTS if abs(v) < 1000}
    assert any(hash(v) in small for v in INTERESTING_INTS if abs(v) > 2**60)


def test_an_object_named_in_a_set_relates_both_ways() -> None:
    # The store's ``paint`` names its items in a set: an inserted related call may paint
    # the object another call named, and a call may follow up on an object painted.
    language = LoadedTarget.load("sample_models:store_target").language()
    parser = LineParser(language)
    rel = Relations(StatementGenerator(language), parser)
    painted = followed = 0
    for seed in range(200):
        lines = ['a "x"', "re 3"]
        assert rel.insert_related(lines, Rng(seed))
        call = parser.parse(lines[-1])
        assert isinstance(call, Call)
        if call.method.name == "paint":
            assert call.args[0] == [3]
            painted += 1
        lines = ['a "x"', "p [4 6] RED"]
        assert rel.insert_related(lines, Rng(seed))
        call = parser.parse(lines[-1])
        assert isinstance(call, Call) and call.method.name != "add"
        arg = call.args[0]
        assert arg in (4, 6) or arg in ([4], [6])
        followed += 1
    assert painted > 20 and followed == 200


def test_a_call_on_the_same_object_goes_between_an_undo_and_its_redo() -> None:
    rel, parser = relations("undo_models:starred")
    script = ["add", "add", "drop 1", "add"]
    undo, redo = rel.aliases["undo"], rel.aliases["redo"]
    for seed in range(50):
        lines = list(script)
        assert rel.between_undo_redo(lines, Rng(seed))
        assert len(lines) == len(script) + 3
        at = lines.index(undo)
        assert lines[at - 1] == "drop 1" and lines[at + 2] == redo
        call = parser.parse(lines[at + 1])
        assert isinstance(call, Call) and call.args[0] == 1  # the object the drop named


def test_the_script_showing_the_bug_is_one_such_mutation_away() -> None:
    rel, _ = relations("undo_models:starred")
    interpreter = Interpreter(rel.generator.language)
    script = ["add", "drop 0"]
    assert interpreter.run("\n".join(script) + "\n").bug is None
    shown = 0
    for seed in range(50):
        lines = list(script)
        rel.between_undo_redo(lines, Rng(seed))
        shown += interpreter.run("\n".join(lines) + "\n").bug is not None
    assert shown > 10  # a star between the undo and the redo of the drop


def test_without_a_declared_undo_and_redo_there_is_no_such_mutation() -> None:
    rel, _ = relations("undo_models:starred_without_history")
    lines = ["add", "drop 0"]
    assert not any(rel.between_undo_redo(lines, Rng(seed)) for seed in range(20))
    assert lines == ["add", "drop 0"]
