"""Work a follow-up question about the same image does not do again.

A follow-up sends the same image with a longer conversation. Its pixels were already resized and normalised
for the first caption, and the vision encoder already turned them into image features; only the text is new.
``ImageReuse`` keeps both for the last image: the preprocessed ``pixel_values`` (on the model's device, in its
dtype) and the vision encoder's output for exactly that tensor, so a follow-up tokenizes its text and goes
straight to the language model's prefill.

Only the last image is kept (a few MB on the GPU at the default detail); a new image replaces it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class _Prepared:
    image: Any  # the PIL image object the request carried (kept alive so its identity stays meaningful)
    limits: tuple[int, int]
    pixel_values: Any
    image_grid_thw: Any
    keys: frozenset[str]


class ImageReuse:
    """The last image's model inputs and vision features, for follow-ups about the same image object."""

    def __init__(self, model: Any, processor: Any) -> None:
        self._processor = processor
        self._dtype = model.dtype
        self._prepared: _Prepared | None = None
        self._memo_key: Any = None
        self._memo_value: Any = None
        self.vision_runs = 0  # how often the vision encoder really ran (tests read it)
        self._visual = _vision_module(model)
        if self._visual is not None:
            self._visual_forward = self._visual.forward
            self._visual.forward = self._memoized_forward

    def _memoized_forward(self, pixel_values: Any, *args: Any, **kwargs: Any) -> Any:
        prepared = self._prepared
        if prepared is not None and pixel_values is prepared.pixel_values:
            if self._memo_key is not pixel_values:
                output = self._visual_forward(pixel_values, *args, **kwargs)
                self.vision_runs += 1
                # The caller rewrites fields of the output it gets (transformers 5 splits pooler_output in
                # place), so keep its fields as they came and hand out a fresh container each time.
                self._memo_value = (type(output), dict(output)) if isinstance(output, Mapping) else (None, output)
                self._memo_key = pixel_values
            kind, value = self._memo_value
            return value if kind is None else kind(**value)
        self.vision_runs += 1
        return self._visual_forward(pixel_values, *args, **kwargs)

    def remember(self, image: Any, limits: tuple[int, int], inputs: Any) -> None:
        """Keep ``inputs``' image part for later requests about ``image``; ``pixel_values`` is cast in place
        to the model's dtype (the vision encoder casts it to that first thing anyway)."""
        if "pixel_values" not in inputs or "image_grid_thw" not in inputs:
            return
        inputs["pixel_values"] = inputs["pixel_values"].to(self._dtype)
        self._prepared = _Prepared(image, limits, inputs["pixel_values"], inputs["image_grid_thw"],
                                   frozenset(inputs.keys()))
        self._memo_key = self._memo_value = None

    def inputs_for(self, image: Any, limits: tuple[int, int], text: str, device: str) -> Any | None:
        """Model inputs for ``text`` about the remembered image, or None when ``image`` is not that image."""
        prepared = self._prepared
        if prepared is None or prepared.image is not image or prepared.limits != limits:
            return None
        from transformers import BatchFeature

        processor = self._processor
        merge = processor.image_processor.merge_size ** 2
        count = int(prepared.image_grid_thw[0].prod()) // merge
        token = processor.image_token
        if text.count(token) != 1:  # the image is attached once, to the first user message
            return None
        expanded = text.replace(token, token * count)
        encoded = processor.tokenizer([expanded], padding=True, return_tensors="pt")
        data = {key: encoded[key] for key in ("input_ids", "attention_mask")}
        if "mm_token_type_ids" in prepared.keys:
            if not hasattr(processor, "create_mm_token_type_ids"):
                return None
            import torch

            data["mm_token_type_ids"] = torch.tensor(processor.create_mm_token_type_ids(data["input_ids"]))
        if frozenset(data) | {"pixel_values", "image_grid_thw"} != prepared.keys:
            log.info("Follow-up inputs differ in form from the processor's; preprocessing the image again")
            return None
        inputs = BatchFeature(data).to(device)
        inputs["pixel_values"] = prepared.pixel_values
        inputs["image_grid_thw"] = prepared.image_grid_thw
        return inputs

    def clear(self) -> None:
        self._prepared = None
        self._memo_key = self._memo_value = None


def _vision_module(model: Any) -> Any:
    """The vision encoder (``model.visual`` in transformers 4, ``model.model.visual`` in 5)."""
    inner = getattr(model, "model", None)
    visual = getattr(inner, "visual", None) or getattr(model, "visual", None)
    return visual if visual is not None and hasattr(visual, "forward") else None


def image_processor_device(processor: Any, device: str | None) -> dict[str, Any]:
    """``device=`` for the processor call where its image processor can normalise on the GPU (the torchvision
    backend can: a 1280x720 screenshot's patches then take a few ms instead of tens on the CPU)."""
    if not (device or "").startswith("cuda"):
        return {}
    kinds = {kind.__name__ for kind in type(getattr(processor, "image_processor", None)).__mro__}
    return {"device": device} if kinds & {"TorchvisionBackend", "BaseImageProcessorFast"} else {}
