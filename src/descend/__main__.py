"""``python -m descend``: run the built-in example."""

from descend.demo import main

main()
