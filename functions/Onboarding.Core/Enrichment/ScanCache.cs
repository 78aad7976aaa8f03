namespace Onboarding.Core.Enrichment;

/// <summary>
/// What repeats from record to record of a feed, kept so that a repeat costs a lookup or a comparison instead of a
/// string or a parse: interned symbols, and the trading date of the last timestamp text (a minute's bars share it).
/// </summary>
internal sealed class ScanCache
{
    private const int MaxRememberedTimestamp = 40;

    private readonly HashSet<string> symbols = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> lookup;
    private readonly byte[] lastTimestamp = new byte[MaxRememberedTimestamp];
    private int lastTimestampLength = -1;
    private DateOnly lastTradingDate;

    public ScanCache() => lookup = symbols.GetAlternateLookup<ReadOnlySpan<char>>();

    public string Intern(ReadOnlySpan<char> symbol)
    {
        if (lookup.TryGetValue(symbol, out var existing))
        {
            return existing;
        }

        // A feed has a bounded universe of symbols; the cap only guards against garbage input.
        if (symbols.Count > 100_000)
        {
            symbols.Clear();
        }

        var created = symbol.ToString();
        symbols.Add(created);
        return created;
    }

    /// <summary>The UTC date of a timestamp (<see cref="TradingTimestamp.TryParseUtc"/>); false when it does not parse.</summary>
    public bool TryTradingDate(ReadOnlySpan<byte> timestamp, out DateOnly date)
    {
        if (timestamp.Length == lastTimestampLength && timestamp.SequenceEqual(lastTimestamp.AsSpan(0, lastTimestampLength)))
        {
            date = lastTradingDate;
            return true;
        }

        if (!TradingTimestamp.TryParseUtc(timestamp, out var utc))
        {
            date = default;
            return false;
        }

        date = DateOnly.FromDateTime(utc);
        if (timestamp.Length <= lastTimestamp.Length)
        {
            timestamp.CopyTo(lastTimestamp);
            (lastTimestampLength, lastTradingDate) = (timestamp.Length, date);
        }

        return true;
    }
}
