"""The assessment engine (no Django): standards evaluated over household and member frames.

``assess`` classifies households, ``explain`` tells one household's result in words, ``simulate`` compares
classes under changed parameters, ``validate_frames`` checks input against docs/frames.md. The Alkire–Foster
measures (``AlkireFoster``, ``mpi``, ``change``) live in ``ansinh.engine.af`` and are re-exported here.
"""

from ansinh.engine.af import AFError, AFResult, AlkireFoster, change, equal_nested_weights, mpi
from ansinh.engine.assess import assess, run_portable
from ansinh.engine.explain import explain
from ansinh.engine.frames import FrameError, read_frame, validate_frames
from ansinh.engine.plan import Plan, build_plan
from ansinh.engine.simulate import simulate, summarise_by_ward
from ansinh.engine.stages import CLASSES

__all__ = [
    "CLASSES",
    "AFError",
    "AFResult",
    "AlkireFoster",
    "FrameError",
    "Plan",
    "assess",
    "build_plan",
    "change",
    "equal_nested_weights",
    "explain",
    "mpi",
    "read_frame",
    "run_portable",
    "simulate",
    "summarise_by_ward",
    "validate_frames",
]
