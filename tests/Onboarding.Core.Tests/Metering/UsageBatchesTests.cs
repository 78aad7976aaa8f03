using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Onboarding.Core.Metering;

namespace Onboarding.Core.Tests.Metering;

public sealed class UsageBatchesTests
{
    private static readonly DateTimeOffset Hour = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private static LedgerEntry Entry(string customer, string product, string dimension = "feed_hours", int hoursAgo = 0) =>
        new(new UsageKey(customer, product, dimension, Hour.AddHours(-hoursAgo)), 1, LedgerStatus.Pending, customer, null, null, Hour, Hour);

    [Fact]
    public void TenThousandCustomersOfOneProduct_Make400CallsOf25()
    {
        var entries = Enumerable.Range(0, 10_000).Select(i => Entry($"C{i}", "P1"));

        var batches = UsageBatches.Chunk(entries);

        Assert.Equal(400, batches.Count);
        Assert.All(batches, b => Assert.Equal(25, b.Entries.Count));
    }

    [Fact]
    public void Chunk_RefusesMoreThan25RecordsPerCall()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => UsageBatches.Chunk([], 26));
    }

    [Property]
    public Property Chunks_HoldAtMost25RecordsOfOneProduct_AndLoseOrDuplicateNothing() =>
        Prop.ForAll(
            Gen.ListOf(
                from customer in Gen.Choose(0, 400)
                from product in Gen.Elements("P1", "P2", "P3")
                from dimension in Gen.Elements("feed_hours", "trade_hours")
                from hoursAgo in Gen.Choose(0, 5)
                select Entry($"C{customer}", product, dimension, hoursAgo)).ToArbitrary(),
            generated =>
            {
                var entries = generated.DistinctBy(e => e.Key).ToList();

                var batches = UsageBatches.Chunk(entries);

                var sent = batches.SelectMany(b => b.Entries).Select(e => e.Key).ToList();
                var expectedCalls = entries.GroupBy(e => e.Key.ProductCode).Sum(g => (g.Count() + 24) / 25);
                return batches.All(b => b.Entries.Count is > 0 and <= 25 && b.Entries.All(e => e.Key.ProductCode == b.ProductCode))
                    && sent.Count == entries.Count
                    && sent.ToHashSet().SetEquals(entries.Select(e => e.Key))
                    && batches.Count == expectedCalls;
            });
}
