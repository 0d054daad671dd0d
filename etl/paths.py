"""Where the project's default data lives."""
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"
DEFAULT_OUT = PROJECT_ROOT / "out"
