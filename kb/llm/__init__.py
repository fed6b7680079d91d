"""Optional answers written by a language model, grounded in the same retrieved passages.

The default answerer needs no model; this package is used only when ``llm_backend`` is set. It
keeps the default answerer's guarantees: the same refusal decision, a citation after every
claim (checked after generation), and the default answer whenever the model is down, slow, or
writes something that cannot be checked. LangChain packages are imported only here, and only
when a backend is built, so a knowledge base without a model never loads them.
"""

from kb.llm.generator import GeneratedAnswer, LLMAnswerer

__all__ = ["GeneratedAnswer", "LLMAnswerer"]
