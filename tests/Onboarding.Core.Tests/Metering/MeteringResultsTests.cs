using Onboarding.Core.Metering;

namespace Onboarding.Core.Tests.Metering;

public sealed class MeteringResultsTests
{
    private static readonly DateTimeOffset Hour = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private static LedgerEntry Entry(string customer) =>
        new(new UsageKey(customer, "P1", "feed_hours", Hour), 2, LedgerStatus.Pending, customer, null, null, Hour, Hour);

    [Fact]
    public void EachRecordStatus_SettlesItsOwnEntry()
    {
        var batch = new UsageBatch("P1", [Entry("A"), Entry("B"), Entry("C")]);
        RecordResult Result(string customer, RecordStatus status) => new(new RecordIdentity(customer, "feed_hours", Hour), status, $"id-{customer}");

        var outcome = MeteringResults.Interpret(
            batch,
            [Result("C", RecordStatus.DuplicateRecord), Result("A", RecordStatus.Success), Result("B", RecordStatus.CustomerNotSubscribed)],
            []);

        Assert.Empty(outcome.Retry);
        var byCustomer = outcome.Settled.ToDictionary(u => u.Key.CustomerKey);
        Assert.Equal(LedgerStatus.Reported, byCustomer["A"].Status);
        Assert.Equal("id-A", byCustomer["A"].MeteringRecordId);
        Assert.Equal(LedgerStatus.CustomerNotSubscribed, byCustomer["B"].Status);
        Assert.Equal(LedgerStatus.DuplicateRecord, byCustomer["C"].Status);
    }

    [Fact]
    public void UnprocessedAndUnmentionedRecords_StayPendingForTheNextRun()
    {
        var batch = new UsageBatch("P1", [Entry("A"), Entry("B"), Entry("C")]);

        var outcome = MeteringResults.Interpret(
            batch,
            [new RecordResult(new RecordIdentity("A", "feed_hours", Hour.ToOffset(TimeSpan.FromHours(3))), RecordStatus.Success, "id-A")],
            [new RecordIdentity("B", "feed_hours", Hour)]);

        Assert.Equal("A", Assert.Single(outcome.Settled).Key.CustomerKey);
        Assert.Equal(["B", "C"], outcome.Retry.Select(r => r.Entry.Key.CustomerKey).Order());
        Assert.Contains("unprocessed", outcome.Retry.Single(r => r.Entry.Key.CustomerKey == "B").Reason, StringComparison.Ordinal);
    }
}
