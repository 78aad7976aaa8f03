using Onboarding.Core.Enrichment;
using static Onboarding.Core.Tests.Enrichment.EnrichmentTestKit;

namespace Onboarding.Core.Tests.Enrichment;

public sealed class ReferenceStateTests
{
    private static readonly DateOnly July10 = new(2024, 7, 10);
    private static readonly DateOnly July11 = new(2024, 7, 11);
    private static readonly DateOnly July12 = new(2024, 7, 12);

    [Fact]
    public void FirstDay_WithoutSeed_HasNoChangeAndNextDayComparesWithTheLastCloseOfTheFirst()
    {
        var (output, changed) = Enrich(new EnrichmentOptions(), [],
            Bar("AMZN", 100, "2024-07-11 14:00:00"),
            Bar("AMZN", 104, "2024-07-11 20:00:00"),
            Bar("AMZN", 98.8, "2024-07-12 14:00:00"),
            Bar("AMZN", 109.2, "2024-07-12 15:00:00"));

        Assert.Equal([null, null, (98.8 - 104) / 104 * 100, (109.2 - 104) / 104 * 100], output.Select(r => r.Change()));
        Assert.Equal(["Neutral", "Neutral", "Bearish", "Bullish"], output.Select(r => r.Indicator()));
        var state = Assert.Single(changed);
        Assert.Equal(new ReferencePrice("AMZN", July12, 109.2, [new DatedClose(July11, 104)]), state, ReferenceComparer.Instance);
    }

    [Fact]
    public void SeededReference_IsThePreviousCloseOfTheFirstDay()
    {
        var output = Enrich(new EnrichmentOptions(), [ReferencePrice.Seed("AMZN", July10, 200)],
            Bar("AMZN", 210, "2024-07-11 14:00:00")).Output;

        Assert.Equal(5.0, Assert.Single(output).Change());
        Assert.Equal("Bullish", output[0].Indicator());
    }

    [Fact]
    public void PreviousTradingDate_IsTheLastDatePresentEvenAcrossAWeekend()
    {
        var output = Enrich(new EnrichmentOptions(), [ReferencePrice.Seed("AMZN", new DateOnly(2024, 7, 12), 100)],
            Bar("AMZN", 90, "2024-07-15 14:00:00")).Output;

        Assert.Equal(-10.0, Assert.Single(output).Change());
    }

    [Fact]
    public void Symbols_KeepSeparateReferences()
    {
        var output = Enrich(new EnrichmentOptions(), [ReferencePrice.Seed("AMZN", July10, 100), ReferencePrice.Seed("MSFT", July10, 400)],
            Bar("AMZN", 101, "2024-07-11 14:00:00"),
            Bar("MSFT", 380, "2024-07-11 14:00:00")).Output;

        Assert.Equal([1.0, -5.0], output.Select(r => r.Change()));
    }

    [Fact]
    public void RedeliveredBatch_AfterItsReferencesWereStored_YieldsIdenticalOutputs()
    {
        ReferencePrice[] seed = [ReferencePrice.Seed("AMZN", July10, 100), ReferencePrice.Seed("MSFT", July10, 400)];
        string[] batch =
        [
            Bar("AMZN", 101, "2024-07-10 20:00:00"),
            Bar("AMZN", 103, "2024-07-11 14:00:00"),
            Bar("MSFT", 420, "2024-07-11 14:00:00"),
            Bar("AMZN", 99, "2024-07-11 20:00:00"),
            Bar("AMZN", 90, "2024-07-12 14:00:00"),
            Bar("NEW", 5, "2024-07-11 14:00:00"),
            Bar("NEW", 6, "2024-07-12 14:00:00"),
        ];

        var first = Enrich(new EnrichmentOptions(), seed, batch);
        var again = Enrich(new EnrichmentOptions(), first.Changed, batch);

        Assert.Equal(first.Output.Select(r => r.Text()), again.Output.Select(r => r.Text()));
        Assert.Equal(3, first.Changed.Count);
        Assert.Empty(again.Changed);
    }

    [Fact]
    public void OlderRecord_AfterTheStateMovedOn_IsComparedWithItsOwnPreviousDateAndMovesNothing()
    {
        var stored = new ReferencePrice("AMZN", July12, 120, [new DatedClose(July11, 110), new DatedClose(July10, 100)]);

        var (output, changed) = Enrich(new EnrichmentOptions(), [stored],
            Bar("AMZN", 111, "2024-07-11 20:59:00"),
            Bar("AMZN", 121, "2024-07-12 20:00:00"));

        Assert.Equal([(111.0 - 100) / 100 * 100, (121.0 - 110) / 110 * 100], output.Select(r => r.Change()!.Value));
        var state = Assert.Single(changed);
        Assert.Equal(new ReferencePrice("AMZN", July12, 121, stored.Earlier), state, ReferenceComparer.Instance);
    }

    [Fact]
    public void OlderRecord_BeyondTheKnownHistory_HasNoChange()
    {
        var stored = new ReferencePrice("AMZN", July12, 120, [new DatedClose(July11, 110)]);

        var (output, changed) = Enrich(new EnrichmentOptions(), [stored], Bar("AMZN", 90, "2024-07-09 20:00:00"));

        Assert.Null(Assert.Single(output).Change());
        Assert.Equal("Neutral", output[0].Indicator());
        Assert.Empty(changed);
    }

    [Fact]
    public void History_KeepsAtMostTheConfiguredNumberOfEarlierDates()
    {
        var days = Enumerable.Range(1, ReferencePrice.MaxEarlierDates + 3)
            .Select(d => Bar("AMZN", 100 + d, $"2024-07-{d:00} 20:00:00"))
            .ToArray();

        var state = Assert.Single(Enrich(new EnrichmentOptions(), [], days).Changed);

        Assert.Equal(ReferencePrice.MaxEarlierDates, state.Earlier.Count);
        Assert.Equal(new DateOnly(2024, 7, ReferencePrice.MaxEarlierDates + 2), state.Earlier[0].Date);
        Assert.True(state.Earlier.Zip(state.Earlier.Skip(1)).All(p => p.First.Date > p.Second.Date));
    }

    [Fact]
    public void StoredHistory_OutOfOrderOrWithBadEntries_IsCleanedOnLoad()
    {
        // An item edited by hand: unsorted, a date not before the state's, an invalid close.
        var book = new ReferenceBook();
        book.Load(new ReferencePrice("AMZN", July12, 120,
            [new DatedClose(new DateOnly(2024, 7, 9), 90), new DatedClose(July12, 1), new DatedClose(July11, 110), new DatedClose(July10, -5)]));

        Assert.Equal(110, book.PreviousClose("AMZN", July12));
        Assert.Equal(90, book.PreviousClose("AMZN", July11));
        Assert.Equal(90, book.PreviousClose("AMZN", July10));
        Assert.Equal([July11, new DateOnly(2024, 7, 9)], book.Get("AMZN")!.Earlier.Select(e => e.Date));

        // In order, but with the state's own date and an invalid close.
        book.Load(new ReferencePrice("MSFT", July12, 120, [new DatedClose(July12, 1), new DatedClose(July11, 110), new DatedClose(July10, -5)]));

        Assert.Null(book.PreviousClose("MSFT", July11));
        Assert.Equal([July11], book.Get("MSFT")!.Earlier.Select(e => e.Date));
    }

    [Fact]
    public void StoredReference_WithInvalidClose_IsIgnored()
    {
        var book = new ReferenceBook();

        Assert.False(book.Load(ReferencePrice.Seed("AMZN", July10, -3)));
        Assert.Null(book.PreviousClose("AMZN", July11));
    }

    private sealed class ReferenceComparer : IEqualityComparer<ReferencePrice>
    {
        public static readonly ReferenceComparer Instance = new();

        public bool Equals(ReferencePrice? x, ReferencePrice? y) =>
            x is not null && y is not null && x.Symbol == y.Symbol && x.Date == y.Date && x.Close.Equals(y.Close) && x.Earlier.SequenceEqual(y.Earlier);

        public int GetHashCode(ReferencePrice obj) => obj.Symbol.GetHashCode(StringComparison.Ordinal);
    }
}
