"""Answers from your posts: grounded, cited, with any OpenAI-compatible LLM or none."""
