"""Plain-Python core (no Qt, no torch): what every other package shares.

- ``types``, ``conversation``, ``kept_conversations``, ``prompts``: caption requests and results, follow-up turns
  (and this run's conversations, kept in memory), the prompt presets.
- ``images``, ``image_errors``, ``blank``, ``video``, ``video_segments``: loading and checking images and videos
  (and why a file is not one), the blank-image guard.
- ``service``, ``stream``: the caption service (one worker; the newest request wins; every job ends once) and the
  streamed answer.
- ``actions``, ``vocabulary``: the action names, and the speech routes, rate range, default model, devices,
  API-key variable and exit statuses.
- ``plugins``: the one shape of every back-end kind (``availability_problem``) and ``first_available``.
- ``errors``: one-line errors with advice.
- ``macos_calls``: one yes-or-no macOS framework call (the permission checks).
"""
