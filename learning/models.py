"""The learning app has no tables of its own: it reads the dialogues' medskick, lessons and evaluations (dialogs/)."""
