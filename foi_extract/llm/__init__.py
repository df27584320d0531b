"""LLM plumbing: the local model server and (later) the LLM engine's client code."""
