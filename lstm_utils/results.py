"""Run records: results written as JSON with the mode, environment and time they came from."""

import json
import os
import platform
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from . import config
from .files import atomic_write_bytes

_PACKAGES = ("tensorflow", "keras", "numpy", "scikit-learn", "matplotlib", "lstm-tutorial")


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def device_kind() -> str:
    """`"gpu"` when TensorFlow sees a GPU, else `"cpu"`: the device a benchmark's results are named after."""
    import tensorflow as tf

    return "gpu" if tf.config.list_physical_devices("GPU") else "cpu"


def hardware_info() -> dict:
    info = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "vector_extensions": _vector_extensions(),
        "memory_gib": _memory_gib(),
    }
    if "tensorflow" in sys.modules:
        import tensorflow as tf

        info["gpus"] = [device.name for device in tf.config.list_physical_devices("GPU")]
    return info


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


# Processors sold under one name differ in these, and with them in speed and in the last digits of
# float32 results: two "AMD EPYC" runs of one notebook, same seed, need not agree.
VECTOR_EXTENSIONS = ("avx2", "avx512f", "avx512_bf16", "amx_tile")


def _vector_extensions(cpuinfo: Path = Path("/proc/cpuinfo")) -> list[str]:
    """The SIMD extensions TensorFlow's CPU kernels can use, as /proc/cpuinfo lists them (Linux)."""
    if not cpuinfo.is_file():
        return []
    for line in cpuinfo.read_text().splitlines():
        if line.startswith("flags"):
            flags = set(line.split(":", 1)[1].split())
            return [flag for flag in VECTOR_EXTENSIONS if flag in flags]
    return []


def _memory_gib() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        return None


def save_results(experiment: str, payload: dict, folder: Path | None = None) -> Path:
    """Write `results/<experiment>.json` atomically, stamped with mode, time and environment.

    Smoke runs go to `build/smoke/results/` (see `config.output_root`), so they never replace a
    committed full-mode result. `folder` puts the file elsewhere; a `"mode"` in `payload` wins.
    """
    record = {
        "experiment": experiment,
        "mode": config.run_mode(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        **payload,
        "hardware": hardware_info(),
        "packages": package_versions(),
    }
    path = (folder or config.results_dir()) / f"{experiment}.json"
    atomic_write_bytes(path, (json.dumps(record, indent=2, default=_to_builtin) + "\n").encode())
    return path


def load_results(experiment: str) -> dict:
    return json.loads((config.results_dir() / f"{experiment}.json").read_text())


def _to_builtin(value):
    """JSON fallback for NumPy scalars and arrays."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
