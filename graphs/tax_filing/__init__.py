"""The quarterly returns (small-scale VAT; business-income tax A表, ``forms.FORMS``): computed from the books, filled on the tax bureau, approved
twice (the return, then the payment), each irreversible step at most once."""
from graphs.tax_filing.graph import build

__all__ = ["build"]
