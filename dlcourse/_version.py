"""The course's version: the one place it is written.

``pyproject.toml`` reads it (``dynamic = ["version"]``), ``dl.setup()`` prints it, and every notebook's
Colab badge and install line name its release tag, ``v<version>`` (``python -m dlcourse.release``
writes them; the anatomy test checks them). To release, see CONTRIBUTING.md, "Releasing".
"""

__version__ = "0.13.0"

#: The git tag of this release: what the Colab badges and the Colab install line point to.
TAG = f"v{__version__}"
