"""``python -m dashboard serve …``: see dashboard/serve.py."""
import sys

from dashboard.serve import main

sys.exit(main())
