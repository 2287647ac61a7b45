"""``python -m simulator`` runs the clsim command line."""

from .cli import main

main()
