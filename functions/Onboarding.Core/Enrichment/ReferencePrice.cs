namespace Onboarding.Core.Enrichment;

public readonly record struct DatedClose(DateOnly Date, double Close);

/// <summary>
/// The stored reference of one symbol: the last close on its latest trading date, and the last closes of the
/// trading dates before it, newest first. A seed for the first day is just <c>(symbol, date, close)</c>.
/// </summary>
public sealed record ReferencePrice(string Symbol, DateOnly Date, double Close, IReadOnlyList<DatedClose> Earlier)
{
    /// <summary>Earlier trading dates kept so a re-delivered batch spanning that many dates sees the same previous closes.</summary>
    public const int MaxEarlierDates = 8;

    public static ReferencePrice Seed(string symbol, DateOnly date, double close) => new(symbol, date, close, []);
}

/// <summary>
/// The reference-close state machine for one batch. Records are applied in stream order:
/// a record on a later date than a symbol's state moves the state's last close into its history and starts the
/// new date; a record on the state's date updates the last close; a record on an older date is answered from the
/// history and never moves the state. The previous close of a record on date d is always the last close of the
/// newest trading date before d, so a re-delivered batch sees the same previous closes as its first delivery.
/// </summary>
public sealed class ReferenceBook
{
    private readonly Dictionary<string, State> states = new(StringComparer.Ordinal);

    public void Clear() => states.Clear();

    /// <summary>Takes a stored reference; one whose close is not a positive finite number is ignored (returns false).</summary>
    public bool Load(ReferencePrice reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (!IsValidClose(reference.Close))
        {
            return false;
        }

        var earlier = IsStoredForm(reference)
            ? new List<DatedClose>(reference.Earlier)
            : reference.Earlier
                .Where(e => e.Date < reference.Date && IsValidClose(e.Close))
                .OrderByDescending(e => e.Date)
                .Take(ReferencePrice.MaxEarlierDates)
                .ToList();
        states[reference.Symbol] = new State(reference.Date, reference.Close, earlier, changed: false);
        return true;
    }

    /// <summary>The close a record on <paramref name="date"/> compares against: the last close of the newest trading date before it.</summary>
    public double? PreviousClose(string symbol, DateOnly date)
    {
        if (!states.TryGetValue(symbol, out var state))
        {
            return null;
        }

        if (date > state.Date)
        {
            return state.Close;
        }

        foreach (var entry in state.Earlier)
        {
            if (entry.Date < date)
            {
                return entry.Close;
            }
        }

        return null;
    }

    /// <summary>Moves the state forward with one record; a record older than the state's date changes nothing.</summary>
    public void Apply(string symbol, DateOnly date, double close)
    {
        if (!states.TryGetValue(symbol, out var state))
        {
            states[symbol] = new State(date, close, [], changed: true);
            return;
        }

        if (date > state.Date)
        {
            state.Earlier.Insert(0, new DatedClose(state.Date, state.Close));
            if (state.Earlier.Count > ReferencePrice.MaxEarlierDates)
            {
                state.Earlier.RemoveAt(state.Earlier.Count - 1);
            }

            state.Date = date;
            state.Close = close;
            state.Changed = true;
        }
        else if (date == state.Date && state.Close != close)
        {
            state.Close = close;
            state.Changed = true;
        }
    }

    private static bool IsValidClose(double close) => double.IsFinite(close) && close > 0;

    /// <summary>The form this book stores (valid closes, strictly older dates, newest first, at most the cap) needs no sorting.</summary>
    private static bool IsStoredForm(ReferencePrice reference)
    {
        var earlier = reference.Earlier;
        if (earlier.Count > ReferencePrice.MaxEarlierDates)
        {
            return false;
        }

        var after = reference.Date;
        foreach (var entry in earlier)
        {
            if (entry.Date >= after || !IsValidClose(entry.Close))
            {
                return false;
            }

            after = entry.Date;
        }

        return true;
    }

    /// <summary>The states this batch moved, to be written back.</summary>
    public IReadOnlyList<ReferencePrice> Changed() =>
        states.Where(s => s.Value.Changed)
            .Select(s => new ReferencePrice(s.Key, s.Value.Date, s.Value.Close, s.Value.Earlier.ToArray()))
            .ToList();

    public ReferencePrice? Get(string symbol) =>
        states.TryGetValue(symbol, out var s) ? new ReferencePrice(symbol, s.Date, s.Close, s.Earlier.ToArray()) : null;

    private sealed class State(DateOnly date, double close, List<DatedClose> earlier, bool changed)
    {
        public DateOnly Date { get; set; } = date;

        public double Close { get; set; } = close;

        public List<DatedClose> Earlier { get; } = earlier;

        public bool Changed { get; set; } = changed;
    }
}
