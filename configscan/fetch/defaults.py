"""Default endpoints and limits, apart from the modules that use them so the CLI can name them as option
defaults without importing ``requests`` (a tenth of a second) for commands that never fetch."""

PORTAL_BASE = "https://transparency.flocksafety.com/"
MUCKROCK_API = "https://www.muckrock.com/api_v2/"
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
