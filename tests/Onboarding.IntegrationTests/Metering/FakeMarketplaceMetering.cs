using System.Net;
using Amazon.Runtime;
using Onboarding.Aws.Marketplace;

namespace Onboarding.IntegrationTests.Metering;

/// <summary>
/// BatchMeterUsage as Marketplace answers it: an identical re-send of a record is the same record (Success, same id),
/// another quantity for the same customer, dimension and hour is a DuplicateRecord. Faults are queued per call.
/// </summary>
internal sealed class FakeMarketplaceMetering : IAmazonAWSMarketplaceMetering
{
    public enum Fault
    {
        None,
        Throttle,
        /// <summary>The last N records of the call come back unprocessed (not billed).</summary>
        UnprocessedTail,
    }

    private readonly Lock gate = new();
    private readonly Queue<Fault> faults = new();
    private readonly Dictionary<(string Customer, string Dimension, DateTime Hour), (int Quantity, string RecordId)> billed = [];

    public HashSet<string> NotSubscribed { get; } = [];

    public int UnprocessedPerCall { get; set; } = 5;

    public int Calls { get; private set; }

    /// <summary>Every record Marketplace accepted the first time; a re-send does not add a line.</summary>
    public List<(string Customer, string Dimension, DateTime Hour, int Quantity)> Billed { get; } = [];

    public List<UsageRecord> Received { get; } = [];

    public void Enqueue(params Fault[] next)
    {
        foreach (var fault in next)
        {
            faults.Enqueue(fault);
        }
    }

    public Task<ResolveCustomerResponse> ResolveCustomerAsync(ResolveCustomerRequest request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Metering never resolves tokens.");

    public Task<BatchMeterUsageResponse> BatchMeterUsageAsync(BatchMeterUsageRequest request, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            Calls++;
            var records = request.UsageRecords ?? [];
            if (records.Count is 0 or > 25)
            {
                throw new AmazonServiceException($"{records.Count} records") { ErrorCode = "ValidationException", StatusCode = HttpStatusCode.BadRequest };
            }

            var fault = faults.Count > 0 ? faults.Dequeue() : Fault.None;
            if (fault == Fault.Throttle)
            {
                throw new AmazonServiceException("Rate exceeded") { ErrorCode = "ThrottlingException", StatusCode = HttpStatusCode.BadRequest };
            }

            var processed = fault == Fault.UnprocessedTail
                ? records.Take(Math.Max(0, records.Count - UnprocessedPerCall)).ToList()
                : records;
            var response = new BatchMeterUsageResponse { Results = [], UnprocessedRecords = [.. records.Skip(processed.Count)] };
            foreach (var record in processed)
            {
                Received.Add(record);
                var timestamp = record.Timestamp!.Value;
                Assert.Equal(0, timestamp.Minute + timestamp.Second + timestamp.Millisecond);
                var customer = record.LicenseArn ?? record.CustomerIdentifier!;
                var key = (customer, record.Dimension!, timestamp);
                string status;
                string recordId;
                if (NotSubscribed.Contains(customer))
                {
                    status = "CustomerNotSubscribed";
                    recordId = "";
                }
                else if (billed.TryGetValue(key, out var earlier))
                {
                    status = earlier.Quantity == record.Quantity ? "Success" : "DuplicateRecord";
                    recordId = earlier.RecordId;
                }
                else
                {
                    recordId = Guid.NewGuid().ToString();
                    billed[key] = (record.Quantity!.Value, recordId);
                    Billed.Add((customer, record.Dimension!, timestamp, record.Quantity.Value));
                    status = "Success";
                }

                response.Results!.Add(new UsageRecordResult { UsageRecord = record, Status = status, MeteringRecordId = recordId });
            }

            return Task.FromResult(response);
        }
    }
}
