"""``python -m ansinh.cli …`` runs the ``ansinh`` command (``ansinh demo`` starts ``serve`` this way)."""

from ansinh.cli import main

main()
