"""Notebook 08's time series: weekly CO2 at Mauna Loa, a chronological split, and the baselines
every forecaster is measured against.

A forecast for week `t` made `h` weeks ahead may use the values up to week `t - h` (its origin)
and nothing later. Every function here takes the target weeks and the horizon and keeps to that.
"""

import warnings

import numpy as np

SEASON = 52  # Weeks in a seasonal cycle, for the forecasts that need a whole number of them.
YEAR_IN_WEEKS = 365.25 / 7  # The calendar year, 52.18 weeks: a 52-week cycle slips 1.25 days a year against it.


def load_co2():
    """Weekly mean CO2 (ppm) at Mauna Loa, March 1958 to December 2001, shipped with statsmodels.

    The few missing weeks are filled by linear interpolation in time, so every week has a value;
    returns the series and how many weeks were filled.
    """
    from statsmodels.datasets import co2

    series = co2.load_pandas().data["co2"]
    missing = int(series.isna().sum())
    return series.interpolate(method="time"), missing


def chronological_split(index, validation_start: str, test_start: str) -> dict[str, slice]:
    """Positions of the training, validation and test weeks: one stretch of time each, in order."""
    validation, test = (int(np.searchsorted(index, np.datetime64(start))) for start in (validation_start, test_start))
    if not 0 < validation < test < len(index):
        raise ValueError(f"the split dates must fall inside the series, in order: {validation_start}, {test_start}")
    return {"train": slice(0, validation), "validation": slice(validation, test), "test": slice(test, len(index))}


def target_weeks(split: slice, horizon: int) -> np.ndarray:
    """The weeks of `split` a forecast `horizon` weeks ahead is scored on: all of them whose origin
    lies inside the series (a target at the start of a split has its origin in the split before)."""
    return np.arange(max(split.start, horizon), split.stop)


def naive_forecast(values: np.ndarray, targets: np.ndarray, horizon: int) -> np.ndarray:
    """The last value seen: the value at the origin."""
    return values[targets - horizon]


def seasonal_naive_forecast(values: np.ndarray, targets: np.ndarray, horizon: int) -> np.ndarray:
    """The value one season before the target week, known at the origin for horizons up to a season."""
    if horizon > SEASON:
        raise ValueError(f"the seasonal naive forecast reaches {SEASON} weeks ahead at most, not {horizon}")
    return values[targets - SEASON]


def holt_winters(values: np.ndarray, damped: bool):
    """Holt-Winters exponential smoothing with additive trend and additive weekly seasonality,
    fitted to `values` (statsmodels estimates the smoothing parameters and the initial state)."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Convergence chatter of the optimiser.
        return ExponentialSmoothing(
            values, trend="add", damped_trend=damped, seasonal="add", seasonal_periods=SEASON, initialization_method="estimated"
        ).fit()


def holt_winters_forecasts(fitted, values: np.ndarray, targets: np.ndarray, horizons: list[int]) -> dict[int, np.ndarray]:
    """Forecasts of a fitted Holt-Winters model for `targets` at each horizon, with its parameters fixed.

    For every origin the model is run again over the values up to that origin only (with the
    fitted parameters and initial state: filtering, not refitting), then forecasts ahead.
    """
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    params = fitted.params
    damped = fitted.model.damped_trend
    smoothing = {name: params[name] for name in ("smoothing_level", "smoothing_trend", "smoothing_seasonal")}
    if damped:
        smoothing["damping_trend"] = params["damping_trend"]

    def forecast_from(origin: int) -> np.ndarray:
        model = ExponentialSmoothing(
            values[: origin + 1], trend="add", damped_trend=damped, seasonal="add", seasonal_periods=SEASON,
            initialization_method="known", initial_level=params["initial_level"],
            initial_trend=params["initial_trend"], initial_seasonal=params["initial_seasons"],
        )
        return model.fit(**smoothing, optimized=False).forecast(max(horizons))

    return _from_each_origin(forecast_from, targets, horizons)


def structural_model(values: np.ndarray, harmonics: int):
    """A structural time-series model (Harvey, 1989) fitted to `values`: a local linear trend (level
    and slope drifting as random walks) plus a yearly cycle of `harmonics` sines and cosines with the
    calendar's period of 52.18 weeks; statsmodels estimates the variances by maximum likelihood."""
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    model = UnobservedComponents(
        values, level="local linear trend", freq_seasonal=[{"period": YEAR_IN_WEEKS, "harmonics": harmonics}]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Convergence chatter of the optimiser.
        return model.fit(disp=False)


def structural_forecasts(fitted, values: np.ndarray, targets: np.ndarray, horizons: list[int]) -> dict[int, np.ndarray]:
    """Forecasts of a fitted structural model for `targets` at each horizon: for every origin, the
    Kalman filter runs with the fitted variances over the values up to that origin, then forecasts."""
    return _from_each_origin(lambda origin: fitted.apply(values[: origin + 1]).forecast(max(horizons)), targets, horizons)


def _from_each_origin(forecast_from, targets: np.ndarray, horizons: list[int]) -> dict[int, np.ndarray]:
    """{horizon: forecasts of `targets`}, where `forecast_from(origin)` forecasts 1 to max(horizons)
    weeks after `origin` from the values up to it."""
    origins = sorted({int(t - h) for h in horizons for t in targets})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        forecasts = {origin: np.asarray(forecast_from(origin)) for origin in origins}
    return {h: np.array([forecasts[int(t - h)][h - 1] for t in targets]) for h in horizons}


def forecast_errors(predictions: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    """Mean absolute error and mean squared error, in the series' units (ppm and ppm squared)."""
    error = np.asarray(predictions, dtype=float) - np.asarray(truth, dtype=float)
    return {"mae": float(np.mean(np.abs(error))), "mse": float(np.mean(error**2))}
