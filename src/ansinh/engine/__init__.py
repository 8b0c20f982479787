"""The assessment engine (no Django): standards evaluated over household and member frames.

``assess`` classifies households, ``explain`` tells one household's result in words, ``simulate`` compares
classes under changed parameters, ``validate_frames`` checks input against docs/frames.md. The Alkire–Foster
measures live in ``ansinh.engine.af``.
"""

from ansinh.engine.assess import CLASSES, Plan, assess, build_plan, run_portable
from ansinh.engine.explain import explain
from ansinh.engine.frames import FrameError, read_frame, validate_frames
from ansinh.engine.simulate import simulate, summarise_by_ward

__all__ = [
    "CLASSES",
    "FrameError",
    "Plan",
    "assess",
    "build_plan",
    "explain",
    "read_frame",
    "run_portable",
    "simulate",
    "summarise_by_ward",
    "validate_frames",
]
