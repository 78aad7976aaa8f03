using System.Diagnostics;
using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Onboarding.Aws.Marketplace;
using Onboarding.Aws.Metering;
using Onboarding.Aws.MeteringLedger;
using Onboarding.Core.Lifecycle;
using Onboarding.Core.Metering;
using Onboarding.LocalServers;

namespace Onboarding.Benchmarks.Metering;

/// <summary>
/// `bench metering [customers] [--moto]`: one hourly metering run for N customers (default 10,000) against a
/// counting BatchMeterUsage fake; the ledger is in memory, or DynamoDB on moto_server with --moto.
/// Prints wall time, API calls and ledger operations.
/// </summary>
public static class MeteringBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var customers = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) is { } n
            ? int.Parse(n, CultureInfo.InvariantCulture)
            : 10_000;
        var useMoto = args.Contains("--moto");

        var now = new DateTimeOffset(2026, 11, 23, 16, 5, 0, TimeSpan.Zero);

        // Warm-up on a throw-away in-memory ledger, so the numbers below are not JIT time.
        var warmUp = new InMemoryMeteringLedger();
        await warmUp.AdvanceWatermarkAsync(now.AddHours(-2), CancellationToken.None);
        await new MeteringJob(warmUp, new CountingMarketplace(), new DimensionMap(), MeteringWindow.Marketplace).RunAsync(
            [.. Enumerable.Range(0, 2_000).Select(i => new MeteredSubscription(new SubscriptionRef($"W{i}", "P1", null, null), "P1", PlanTimeline.Constant(["quotes"]), now.AddDays(-1), null))],
            now,
            CancellationToken.None);
        var subscriptions = Enumerable.Range(0, customers)
            .Select(i => new MeteredSubscription(new SubscriptionRef($"CUST{i:D6}", "P1", null, null), "P1", PlanTimeline.Constant(["quotes", "trades"]), now.AddDays(-1), null))
            .ToList();

        await using var moto = useMoto ? await MotoServer.StartAsync() : null;
        using var dynamo = moto is null ? null : new AmazonDynamoDBClient(
            new BasicAWSCredentials("testing", "testing"),
            new AmazonDynamoDBConfig { ServiceURL = moto.Endpoint.ToString(), AuthenticationRegion = "us-east-1" });
        IMeteringLedger inner;
        if (dynamo is not null)
        {
            await dynamo.CreateTableAsync(MeteringLedgerSchema.CreateTableRequest("ledger"));
            inner = new DynamoDbMeteringLedger(dynamo, new MeteringLedgerOptions { TableName = "ledger" });
        }
        else
        {
            inner = new InMemoryMeteringLedger();
        }

        var ledger = new CountingLedger(inner);
        await ledger.AdvanceWatermarkAsync(now.AddHours(-2), CancellationToken.None);
        var marketplace = new CountingMarketplace();
        var job = new MeteringJob(ledger, marketplace, new DimensionMap(), MeteringWindow.Marketplace);

        var clock = Stopwatch.StartNew();
        var report = await job.RunAsync(subscriptions, now, CancellationToken.None);
        var first = clock.Elapsed;
        clock.Restart();
        var rerun = await job.RunAsync(subscriptions, now.AddMinutes(1), CancellationToken.None);
        var second = clock.Elapsed;

        Console.WriteLine($"metering bench: {customers} customers, ledger = {(useMoto ? "DynamoDB on moto_server" : "in memory")}");
        Console.WriteLine($"  hourly run:  {first.TotalMilliseconds,10:F0} ms  BatchMeterUsage calls = {report.Calls}, records reported = {report.Reported}, ledger writes = {ledger.Writes}, ledger reads = {ledger.Reads}");
        Console.WriteLine($"  same hour again: {second.TotalMilliseconds,6:F0} ms  calls = {rerun.Calls}, records created = {rerun.EntriesCreated}");
        Console.WriteLine($"  total records Marketplace billed = {marketplace.Records}, calls = {marketplace.Calls}, largest call = {marketplace.Largest} records");
        return report.Calls == (customers + 24) / 25 && rerun.Calls == 0 ? 0 : 1;
    }

    private sealed class CountingMarketplace : IAmazonAWSMarketplaceMetering
    {
        public int Calls { get; private set; }

        public int Records { get; private set; }

        public int Largest { get; private set; }

        public Task<ResolveCustomerResponse> ResolveCustomerAsync(ResolveCustomerRequest request, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<BatchMeterUsageResponse> BatchMeterUsageAsync(BatchMeterUsageRequest request, CancellationToken cancellationToken = default)
        {
            var records = request.UsageRecords ?? [];
            Calls++;
            Records += records.Count;
            Largest = Math.Max(Largest, records.Count);
            return Task.FromResult(new BatchMeterUsageResponse
            {
                Results = [.. records.Select(r => new UsageRecordResult { UsageRecord = r, Status = "Success", MeteringRecordId = Guid.NewGuid().ToString() })],
                UnprocessedRecords = [],
            });
        }
    }

    private sealed class CountingLedger(IMeteringLedger inner) : IMeteringLedger
    {
        private int writes;
        private int reads;

        public int Writes => writes;

        public int Reads => reads;

        public Task<bool> TryCreateAsync(LedgerEntry entry, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref writes);
            return inner.TryCreateAsync(entry, cancellationToken);
        }

        public Task<bool> TrySettleAsync(LedgerUpdate update, DateTimeOffset now, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref writes);
            return inner.TrySettleAsync(update, now, cancellationToken);
        }

        public Task<bool> TryRecordAttemptAsync(UsageKey key, string reason, DateTimeOffset now, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref writes);
            return inner.TryRecordAttemptAsync(key, reason, now, cancellationToken);
        }

        public Task<LedgerEntry?> GetAsync(UsageKey key, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref reads);
            return inner.GetAsync(key, cancellationToken);
        }

        public Task<IReadOnlyList<LedgerEntry>> ListPendingAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref reads);
            return inner.ListPendingAsync(cancellationToken);
        }

        public Task<DateTimeOffset?> GetWatermarkAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref reads);
            return inner.GetWatermarkAsync(cancellationToken);
        }

        public Task AdvanceWatermarkAsync(DateTimeOffset hour, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref writes);
            return inner.AdvanceWatermarkAsync(hour, cancellationToken);
        }

        public Task<IReadOnlyList<LedgerEntry>> ListByCustomerAsync(string customerKey, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
            inner.ListByCustomerAsync(customerKey, from, to, cancellationToken);

        public Task<IReadOnlyList<LedgerEntry>> ListByPeriodAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
            inner.ListByPeriodAsync(from, to, cancellationToken);
    }
}
