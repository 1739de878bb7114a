"""The read model: what every view shows, computed once from the store.
readmodel.py holds a goal's series, judgement, benchmark lines, scope and
data dates; views.py the simple listings (partnerships, places, notes,
actions, a goal's history); reviews.py the board's calendar and what changed
between two reviews."""
