"""The package's own error types: each carries a message meant for a person, not a traceback."""


class LstmTutorialError(Exception):
    """Base class for every error this package raises on purpose."""


class DataError(LstmTutorialError):
    """The dataset is missing, damaged or not what was expected."""


class ModelNotFoundError(LstmTutorialError):
    """A trained model file the command needs does not exist yet."""
