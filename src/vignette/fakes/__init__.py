"""The fake vendor servers tests and demos talk to over real HTTP (Gemini, Imagen, Pollinations,
OpenAI images and chat), with scripted faults. Not used by the service itself."""
