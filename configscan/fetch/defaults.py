"""Default endpoints and limits, apart from the modules that use them so the CLI can name them as option
defaults without importing ``requests`` (a tenth of a second) for commands that never fetch."""

PORTAL_BASE = "https://transparency.flocksafety.com/"
MUCKROCK_API = "https://www.muckrock.com/api_v2/"
DEFAULT_MAX_BYTES = 2 * 1024 * 1024 * 1024  # per file; bodies stream to disk, so this bounds disk, not memory
DEFAULT_MAX_JSON_BYTES = 64 * 1024 * 1024  # one listing page, held in memory to parse
DEFAULT_DEADLINE = 30 * 60.0  # seconds for the whole run
DEFAULT_READ_TIMEOUT = 60.0  # seconds of silence between two reads
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_MAX_RETRY_WAIT = 60.0  # a Retry-After beyond this fails the file instead of sleeping
DEFAULT_RETRIES = 4
DEFAULT_BACKOFF = 1.0
DEFAULT_MAX_REDIRECTS = 10
