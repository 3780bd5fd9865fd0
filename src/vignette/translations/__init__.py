"""The persistent translation cache: passages translated once, reused by every worker and restart
(a service without routes; the generation runner uses it)."""
