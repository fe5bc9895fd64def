"""Small accessors on a read Document, shared by the reader tests."""
from extractors.model import Block, Document


def texts(doc: Document) -> list[str]:
    return [b.text for b in doc.blocks if b.kind != "table"]


def block(doc: Document, start: str) -> Block:
    return next(b for b in doc.blocks if b.text.startswith(start))


def tables(doc: Document) -> list[Block]:
    return [b for b in doc.blocks if b.kind == "table"]


def write_input(folder, content: str | bytes, name: str):
    """A file in `folder` holding `content` (text is written as UTF-8); returns its path."""
    path = folder / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path
