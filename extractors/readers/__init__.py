"""Format readers. Importing this package registers every reader, most specific first."""
from . import pdf  # noqa: F401
from . import docx  # noqa: F401
from . import doc  # noqa: F401
from . import scan  # noqa: F401
from . import html  # noqa: F401
# text must stay last: it accepts any file that decodes as text, so every other reader must be asked first.
from . import text  # noqa: F401
