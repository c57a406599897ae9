"""The board's unit tests: they pass, and they miss the bug."""

from kanban import Board


def test_a_card_moves_to_another_column() -> None:
    board = Board()
    todo, done = board.add_column(), board.add_column()
    card = board.add_card(todo, "write the guide")
    board.move_card(card, done, 0)
    assert board.columns == {todo: [], done: [card]}
    board.check()


def test_an_empty_column_can_be_deleted() -> None:
    board = Board()
    column = board.add_column()
    board.delete_column(column)
    assert board.column_ids() == []
    board.check()
