"""Notebook 08's series, split and baselines: no forecast may see past its origin."""

import numpy as np
import pandas as pd
import pytest

from lstm_utils.forecasting import (
    SEASON,
    chronological_split,
    forecast_errors,
    holt_winters,
    holt_winters_forecasts,
    load_co2,
    naive_forecast,
    seasonal_naive_forecast,
    structural_forecasts,
    structural_model,
    target_weeks,
)


def test_the_co2_series_ships_with_statsmodels_weekly_and_gap_free():
    series, missing = load_co2()
    assert len(series) == 2284 and missing == 59
    assert series.notna().all() and series.index.freqstr.startswith("W")
    assert 310 < series.iloc[0] < 320 < 365 < series.iloc[-1] < 375  # ppm, 1958 and 2001.


def test_the_split_is_three_stretches_of_time_in_order():
    index = pd.date_range("2000-01-01", periods=100, freq="W-SAT")
    split = chronological_split(index, "2000-06-01", "2001-01-01")
    assert split["train"].stop == split["validation"].start < split["validation"].stop == split["test"].start
    assert index[split["validation"].start] >= pd.Timestamp("2000-06-01") > index[split["validation"].start - 1]
    with pytest.raises(ValueError, match="inside the series"):
        chronological_split(index, "2001-01-01", "2000-06-01")


def test_targets_have_their_origin_inside_the_series():
    assert list(target_weeks(slice(3, 8), horizon=2)) == [3, 4, 5, 6, 7]
    assert list(target_weeks(slice(0, 4), horizon=2)) == [2, 3]


def test_naive_forecasts_repeat_the_origin_or_the_week_a_season_before():
    values = np.arange(200.0)
    targets = np.array([120, 150])
    assert list(naive_forecast(values, targets, horizon=4)) == [116, 146]
    assert list(seasonal_naive_forecast(values, targets, horizon=4)) == [120 - SEASON, 150 - SEASON]
    with pytest.raises(ValueError, match="at most"):
        seasonal_naive_forecast(values, targets, horizon=SEASON + 1)


def smooth_series():
    weeks = np.arange(400)
    return 300 + 0.05 * weeks + 3 * np.sin(2 * np.pi * weeks / SEASON)


@pytest.mark.parametrize(
    "fit, forecast",
    [(lambda values: holt_winters(values, damped=False), holt_winters_forecasts),
     (lambda values: structural_model(values, harmonics=2), structural_forecasts)],
    ids=["holt_winters", "structural"],
)
def test_classical_forecasts_see_nothing_after_their_origin(fit, forecast):
    values = smooth_series()
    fitted = fit(values[:300])
    targets = np.array([330, 360])
    forecasts = forecast(fitted, values, targets, [1, 13])
    changed = values.copy()
    changed[348:] += 50.0  # After the last origin used (360 - 13 = 347 for 13 weeks ahead).
    changed_forecasts = forecast(fitted, changed, targets, [1, 13])
    np.testing.assert_allclose(forecasts[13], changed_forecasts[13])
    assert changed_forecasts[1][1] != forecasts[1][1]  # The one-week forecast of week 360 sees week 359.
    # A smooth series is forecast closely.
    assert forecast_errors(forecasts[1], values[targets])["mae"] < 0.5


def test_errors_are_mean_absolute_and_mean_squared():
    assert forecast_errors([1.0, 3.0], [2.0, 1.0]) == {"mae": 1.5, "mse": 2.5}
