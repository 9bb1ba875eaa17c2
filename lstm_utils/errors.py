"""The package's own error types: each carries a message meant for a person, not a traceback."""


class LstmTutorialError(Exception):
    """Base class for every error this package raises on purpose."""


class DataError(LstmTutorialError):
    """The dataset is missing, damaged or not what was expected."""


class ModelNotFoundError(LstmTutorialError):
    """A trained model file the command needs does not exist yet."""


class DamagedModelError(LstmTutorialError):
    """A trained model's file exists but is not what it should be (truncated, a pointer, bad JSON)."""


class NotationError(LstmTutorialError):
    """A string is not in the derivative notation; the message says what is wrong and where."""

    def __init__(self, message: str, text: str, position: int):
        super().__init__(f"{message} at position {position} of {text!r}")
        self.message, self.text, self.position = message, text, position

    def __reduce__(self):
        # Rebuild from the three parts when a worker process sends the error back.
        return type(self), (self.message, self.text, self.position)


class ConfigurationError(LstmTutorialError):
    """A setting (an environment variable, a strategy name) asks for something that cannot be done."""
