"""The names generated code uses: what it imports, and the local names it takes.

:class:`Names` turns an object of the model's package (a class, a function, an
enum, an exception) into an expression naming it, and collects the imports
that expression needs.  In a new file they are hoisted to the file's import
block; in an appended file a name the file does not already import is
imported at the top of the function that uses it, so the file's own content
stays untouched.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import libcst as cst

from apifuzz.errors import ApifuzzError
from apifuzz.testgen.imports import (
    Imports,
    ModuleNames,
    dotted,
    import_object,
    import_statements,
    locate,
    resolve,
)


class Names:
    """Imports and local names for the functions written into one file.

    ``file`` is what an existing file already imports (None for a new file:
    every import goes to the module); ``reserved`` holds names taken otherwise
    (the file's own definitions, the test's variables).
    """

    def __init__(self, file: ModuleNames | None, reserved: set[str]) -> None:
        self.file = file
        self.reserved = reserved
        self.imports = Imports()  # what the function being rendered uses
        self.module_imports = Imports()  # a new file's import block

    def ref(self, obj: Any, what: str) -> cst.BaseExpression:
        """An expression naming ``obj`` (a class, function, enum), importing what it needs."""
        if (
            getattr(obj, "__module__", None) == "builtins"
            and resolve(sys.modules["builtins"], getattr(obj, "__qualname__", "")) is obj
        ):
            return dotted(obj.__qualname__)
        located = locate(obj)
        if located is None:
            raise ApifuzzError(
                f"cannot import {what} {getattr(obj, '__qualname__', obj)!r} in a test: define "
                f"it at module level of an importable module"
            )
        module, qualname = located
        top, _, rest = qualname.partition(".")
        local = self.local(module, top)
        return dotted(f"{local}.{rest}" if rest else local)

    def local(self, module: str, name: str) -> str:
        """The local name for ``from module import name``: the name itself unless taken."""
        wanted = (module, name)
        obj = import_object(module, name)
        local, n = name, 2
        while self._taken(local, wanted, obj):
            local, n = f"{name}_{n}", n + 1
        self.imports.symbols[local] = wanted
        return local

    def _taken(self, local: str, wanted: tuple[str, str], obj: Any) -> bool:
        if local in self.reserved or local in self.imports.modules:
            return True
        if self.imports.symbols.get(local, wanted) != wanted:
            return True
        # An appended file may import the same name from elsewhere, or another object.
        return (
            self.file is not None
            and local in self.file.imports
            and not self.file.provides(local, obj)
        )

    def module_ref(self, module: str) -> cst.BaseExpression:
        """``math``, for ``import math``."""
        self.imports.modules.add(module)
        return dotted(module)

    def annotation(self, cls: type) -> cst.Annotation | None:
        """An annotation naming ``cls``; None in an appended file that does not import it."""
        located = locate(cls)
        if located is None:
            return None
        module, qualname = located
        top = qualname.split(".")[0]
        if self.file is not None and not self.file.provides(top, import_object(module, top)):
            return None
        return cst.Annotation(self.ref(cls, "class"))

    def settle(
        self,
        body: Sequence[cst.BaseStatement],
        leading: Sequence[cst.EmptyLine],
        docstring: str | None = None,
    ) -> list[cst.BaseStatement]:
        """A function's statements with their imports settled: hoisted to a new file's
        import block, or (in an appended file) imported at the top of the function when the
        file does not import them already."""
        imports, self.imports = self.imports, Imports()
        local: list[cst.BaseStatement] = []
        if self.file is None:
            self.module_imports.merge(imports)
        else:
            local = list(self._missing(imports))
            if local:
                body = [
                    body[0].with_changes(leading_lines=[cst.EmptyLine(indent=False)]),
                    *body[1:],
                ]
        statements = [*local, *body]
        if docstring is not None:
            text = cst.SimpleString(f'"""{docstring}"""')
            statements = [cst.SimpleStatementLine([cst.Expr(text)]), *statements]
        return [statements[0].with_changes(leading_lines=leading), *statements[1:]]

    def _missing(self, imports: Imports) -> list[cst.SimpleStatementLine]:
        """In an appended file: imports of the names the file does not already provide."""
        assert self.file is not None
        missing = Imports()
        for module in imports.modules:
            if not self.file.provides(module.split(".")[0], import_object(module, None)):
                missing.modules.add(module)
        for local, (module, name) in imports.symbols.items():
            if not self.file.provides(local, import_object(module, name)):
                missing.symbols[local] = (module, name)
        return import_statements(missing)
