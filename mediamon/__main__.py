"""python -m mediamon"""

from mediamon.cli import main

main()
