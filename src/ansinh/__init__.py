"""ansinh: management information system for poverty reduction and social protection."""

__version__ = "0.1.0"
