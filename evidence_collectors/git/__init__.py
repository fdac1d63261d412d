"""Git repository collector: facts about how a model project is built, tested, versioned and released, read from the
repository at one ref with git itself (nothing is checked out or changed)."""
