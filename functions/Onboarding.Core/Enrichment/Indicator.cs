namespace Onboarding.Core.Enrichment;

public enum Indicator
{
    Neutral,
    Bullish,
    Bearish,
}

/// <summary>The enrichment rule of DESIGN.md section 4, on plain numbers.</summary>
public static class EnrichmentRule
{
    public const double DefaultThresholdPercent = 5;

    /// <summary><c>(close - previousClose) / previousClose * 100</c>, or null without a previous close.</summary>
    public static double? PercentChange(double close, double? previousClose) =>
        previousClose is { } previous ? (close - previous) / previous * 100 : null;

    /// <summary>Bullish at or above +threshold, Bearish at or below -threshold, otherwise (and without a change) Neutral.</summary>
    public static Indicator Classify(double? percentChange, double thresholdPercent) => percentChange switch
    {
        null => Indicator.Neutral,
        { } change when change >= thresholdPercent => Indicator.Bullish,
        { } change when change <= -thresholdPercent => Indicator.Bearish,
        _ => Indicator.Neutral,
    };

    public static bool IsValidThreshold(double thresholdPercent) =>
        double.IsFinite(thresholdPercent) && thresholdPercent > 0;

    public static string Name(Indicator indicator) => indicator switch
    {
        Indicator.Bullish => "Bullish",
        Indicator.Bearish => "Bearish",
        _ => "Neutral",
    };

    internal static ReadOnlySpan<byte> Utf8Name(Indicator indicator) => indicator switch
    {
        Indicator.Bullish => "Bullish"u8,
        Indicator.Bearish => "Bearish"u8,
        _ => "Neutral"u8,
    };
}
