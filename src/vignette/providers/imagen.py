"""Legacy Imagen provider: generate_images in Vertex AI express mode (an API key, no project)."""

from __future__ import annotations

from google.genai import types

from vignette.providers.base import ErrorCode, ImageRequest, ImageResult, ProviderError
from vignette.providers.gemini import GoogleProvider, nearest_aspect_ratio, sdk_error
from vignette.providers.validation import validate_image

DEFAULT_MODEL = "imagen-4.0-generate-001"
IMAGEN_RATIOS = ("1:1", "3:4", "4:3", "9:16", "16:9")


class ImagenProvider(GoogleProvider):
    """Google Imagen via Vertex predict; kept for deployments that still have it."""

    name = "imagen"
    default_model = DEFAULT_MODEL
    # Current SDKs allow generate_images only in Vertex mode; an API key alone selects
    # Vertex express mode, so no project, location or service account is needed.
    vertexai = True

    def generate(self, request: ImageRequest) -> ImageResult:
        """One predict call; an image or a ProviderError."""
        config = types.GenerateImagesConfig(
            number_of_images=1,
            aspect_ratio=nearest_aspect_ratio(request.width, request.height, IMAGEN_RATIOS),
            # Without it a filtered image silently disappears and looks like an empty answer.
            include_rai_reason=True,
            output_mime_type="image/png",
            negative_prompt=request.negative_prompt or None,
        )
        try:
            response = self._client.models.generate_images(
                model=self.model, prompt=request.prompt, config=config
            )
        except Exception as exc:  # the SDK raises many kinds; every one is classified
            raise sdk_error(exc, self._key) from None
        filtered: list[str] = []
        for generated in response.generated_images or []:
            image = generated.image
            if image is not None and image.image_bytes:
                mime = image.mime_type or "image/png"
                return validate_image(ImageResult(image.image_bytes, mime, 0, 0, self.model))
            if generated.rai_filtered_reason:
                filtered.append(generated.rai_filtered_reason)
        if filtered:
            reason = "; ".join(filtered)[:300]
            raise ProviderError(ErrorCode.CONTENT_POLICY, f"image filtered: {reason}")
        raise ProviderError(ErrorCode.EMPTY_RESULT, "answer has no image")
