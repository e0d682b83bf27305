"""Slide: the key is the prompt and the model parameters."""

from langchain_core.caches import InMemoryCache
from langchain_core.language_models.fake import FakeListLLM

# --8<-- [start:slide]
cache = InMemoryCache()
answers = ["Paris", "Rome"]
question = "What is the capital of France?"

paris = FakeListLLM(responses=answers, cache=cache)
print(paris.invoke(question))  # a miss: the model runs
print(paris.invoke(question))  # a hit: 'Paris' again

lyon = FakeListLLM(responses=["Lyon"], cache=cache)
print(lyon.invoke(question))  # same prompt, other model
# --8<-- [end:slide]
