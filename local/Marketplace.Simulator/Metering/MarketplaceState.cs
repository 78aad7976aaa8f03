using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Marketplace.Simulator.Catalogue;

namespace Marketplace.Simulator.Metering;

/// <summary>An error answer in AWS's terms: HTTP status, <c>__type</c> and message.</summary>
public sealed class MarketplaceError(string code, string message, int status = 400) : Exception(message)
{
    public string Code { get; } = code;

    public int Status { get; } = status;
}

/// <summary>One accepted usage record, as the read endpoint lists it.</summary>
public sealed record RecordedUsage(
    string MeteringRecordId,
    string ProductCode,
    string CustomerIdentifier,
    string CustomerAwsAccountId,
    string? LicenseArn,
    string Dimension,
    int Quantity,
    DateTimeOffset Timestamp,
    DateTimeOffset Hour,
    List<UsageAllocationWire>? UsageAllocations);

/// <summary>
/// The simulator's memory: subscription states, minted tokens, the metering ledger and switchable faults.
/// Every method takes the one lock; the simulator is a test tool, not a throughput service.
/// </summary>
public sealed class MarketplaceState(MarketplaceCatalogue catalogue, TimeProvider clock, SimulatorOptions options)
{
    public const int MaxRecordsPerBatch = 25;
    public static readonly TimeSpan MaxRecordAge = TimeSpan.FromHours(6);
    public static readonly TimeSpan MaxRecordLead = TimeSpan.FromHours(1);
    private const int MaxEntitlementPage = 25;

    private readonly Lock gate = new();
    private readonly Dictionary<string, (string Customer, string Product, DateTimeOffset Expires)> minted = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Customer, string Product), string> subscriptionStates = [];
    private readonly Dictionary<(string Product, string Customer, string Dimension, DateTimeOffset Hour), RecordedUsage> ledger = [];
    private readonly List<SubscriptionNotification> notifications = [];
    private SimulatorFaults faults = new();

    public MarketplaceCatalogue Catalogue => catalogue;

    public void Reset()
    {
        lock (gate)
        {
            minted.Clear();
            subscriptionStates.Clear();
            ledger.Clear();
            notifications.Clear();
            faults = new SimulatorFaults();
        }
    }

    /// <summary>The SNS subscription notifications Marketplace would have published, after a sequence number.</summary>
    public IReadOnlyList<SubscriptionNotification> NotificationsAfter(long sequence)
    {
        lock (gate)
        {
            return [.. notifications.Where(n => n.Sequence > sequence)];
        }
    }

    /// <summary>The buyer cancels: Marketplace publishes unsubscribe-pending, then unsubscribe-success.</summary>
    public void Unsubscribe(string customerIdentifier, string productCode)
    {
        var customer = FindCustomer(customerIdentifier) ?? throw new MarketplaceError("InvalidParameterException", $"Unknown customer '{customerIdentifier}'.");
        lock (gate)
        {
            subscriptionStates[(customerIdentifier, productCode)] = SubscriptionState.Unsubscribed;
            Notify("unsubscribe-pending", customer, productCode);
            Notify("unsubscribe-success", customer, productCode);
        }
    }

    // Callers hold the lock.
    private void Notify(string action, Customer customer, string productCode) =>
        notifications.Add(SubscriptionNotification.Create(
            notifications.Count + 1, action, customer.CustomerIdentifier, customer.AwsAccountId, productCode, LicenseArnOf(customer, productCode), clock.GetUtcNow()));

    public SimulatorFaults Faults
    {
        get { lock (gate) { return faults; } }
        set { lock (gate) { faults = value; } }
    }

    /// <summary>Consumes a throttling or server-error fault for <paramref name="operation"/>, if one is armed.</summary>
    public void ThrowArmedFault(string operation)
    {
        lock (gate)
        {
            if (faults.Operations.Count > 0 && !faults.Operations.Contains(operation, StringComparer.Ordinal))
            {
                return;
            }

            if (faults.Throttle > 0)
            {
                faults = faults with { Throttle = faults.Throttle - 1 };
                throw new MarketplaceError("ThrottlingException", "Rate exceeded (simulated throttling).");
            }

            if (faults.ServerErrors > 0)
            {
                faults = faults with { ServerErrors = faults.ServerErrors - 1 };
                throw new MarketplaceError("InternalServiceErrorException", "An internal error has occurred (simulated).", faults.ServerErrorStatus);
            }
        }
    }

    /// <summary>A fresh registration token for a customer and product, as Marketplace posts to the landing page.</summary>
    public string MintToken(string customerIdentifier, string productCode)
    {
        if (FindCustomer(customerIdentifier) is null)
        {
            throw new MarketplaceError("InvalidParameterException", $"Unknown customer '{customerIdentifier}'.");
        }

        if (catalogue.FindProduct(productCode) is null)
        {
            throw new MarketplaceError("InvalidProductCodeException", $"Unknown product code '{productCode}'.");
        }

        var token = "sim-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        lock (gate)
        {
            minted[token] = (customerIdentifier, productCode, clock.GetUtcNow() + options.TokenLifetime);
        }

        return token;
    }

    public ResolveCustomerOutput ResolveCustomer(ResolveCustomerInput input)
    {
        if (string.IsNullOrEmpty(input.RegistrationToken))
        {
            throw new MarketplaceError("InvalidTokenException", "Registration token is missing.");
        }

        string customerId;
        string productCode;
        lock (gate)
        {
            if (minted.TryGetValue(input.RegistrationToken, out var token))
            {
                if (clock.GetUtcNow() > token.Expires)
                {
                    throw new MarketplaceError("ExpiredTokenException", "Registration token has expired.");
                }

                (customerId, productCode) = (token.Customer, token.Product);
                // The buyer pressed Subscribe: from now on Marketplace treats them as subscribed, and says so on SNS.
                if (!subscriptionStates.TryGetValue((customerId, productCode), out var previous) || previous != SubscriptionState.Subscribed)
                {
                    subscriptionStates[(customerId, productCode)] = SubscriptionState.Subscribed;
                    Notify("subscribe-success", FindCustomer(customerId)!, productCode);
                }
            }
            else if (catalogue.Tokens.FirstOrDefault(t => t.Token == input.RegistrationToken) is { } fixedToken)
            {
                switch (fixedToken.Status)
                {
                    case TokenStatus.Expired:
                        throw new MarketplaceError("ExpiredTokenException", "Registration token has expired.");
                    case TokenStatus.Invalid:
                        throw new MarketplaceError("InvalidTokenException", "Registration token is invalid.");
                }

                (customerId, productCode) = (fixedToken.CustomerIdentifier, fixedToken.ProductCode);
            }
            else
            {
                throw new MarketplaceError("InvalidTokenException", "Registration token is invalid.");
            }
        }

        var customer = FindCustomer(customerId)!;
        return new ResolveCustomerOutput(customer.CustomerIdentifier, productCode, customer.AwsAccountId, LicenseArnOf(customer, productCode));
    }

    public BatchMeterUsageOutput BatchMeterUsage(BatchMeterUsageInput input)
    {
        var product = catalogue.FindProduct(input.ProductCode)
            ?? throw new MarketplaceError("InvalidProductCodeException", $"Product code '{input.ProductCode}' is invalid.");
        var records = input.UsageRecords ?? [];
        if (records.Count > MaxRecordsPerBatch)
        {
            throw new MarketplaceError(
                "ValidationException",
                $"1 validation error detected: Value at 'usageRecords' failed to satisfy constraint: Member must have length less than or equal to {MaxRecordsPerBatch}");
        }

        var now = clock.GetUtcNow();
        // Marketplace checks the whole batch before processing any record: one bad record refuses all.
        foreach (var record in records)
        {
            Validate(record, product, now);
        }

        lock (gate)
        {
            var results = new List<UsageRecordResultWire>();
            var unprocessed = new List<UsageRecordWire>();
            foreach (var record in records)
            {
                if (faults.UnprocessedRecords > 0 && (faults.Operations.Count == 0 || faults.Operations.Contains("BatchMeterUsage")))
                {
                    faults = faults with { UnprocessedRecords = faults.UnprocessedRecords - 1 };
                    unprocessed.Add(record);
                    continue;
                }

                results.Add(Meter(record, product));
            }

            return new BatchMeterUsageOutput(results, unprocessed);
        }
    }

    public GetEntitlementsOutput GetEntitlements(GetEntitlementsInput input)
    {
        var product = catalogue.FindProduct(input.ProductCode)
            ?? throw new MarketplaceError("InvalidParameterException", $"Product code '{input.ProductCode}' is invalid.");
        var pageSize = input.MaxResults ?? MaxEntitlementPage;
        if (pageSize is < 1 or > MaxEntitlementPage)
        {
            throw new MarketplaceError("InvalidParameterException", $"MaxResults must be between 1 and {MaxEntitlementPage}.");
        }

        var filter = input.Filter ?? [];
        var allowed = new[] { "CUSTOMER_IDENTIFIER", "DIMENSION", "CUSTOMER_AWS_ACCOUNT_ID", "LICENSE_ARN" };
        if (filter.Keys.FirstOrDefault(k => !allowed.Contains(k, StringComparer.Ordinal)) is { } unknown)
        {
            throw new MarketplaceError("InvalidParameterException", $"Filter '{unknown}' is not one of {string.Join(", ", allowed)}.");
        }

        var offset = 0;
        if (!string.IsNullOrEmpty(input.NextToken) && !TryReadPageToken(input.NextToken, product.ProductCode, out offset))
        {
            throw new MarketplaceError("InvalidParameterException", "NextToken is invalid.");
        }

        bool Matches(string key, string value) => !filter.TryGetValue(key, out var wanted) || wanted.Contains(value, StringComparer.Ordinal);

        var entitlements = new List<EntitlementWire>();
        foreach (var customer in catalogue.Customers.OrderBy(c => c.CustomerIdentifier, StringComparer.Ordinal))
        {
            foreach (var subscription in customer.Subscriptions.Where(s => s.ProductCode == product.ProductCode && IsSubscribed(customer, s.ProductCode)))
            {
                foreach (var entitlement in subscription.Entitlements.OrderBy(e => e.Dimension, StringComparer.Ordinal))
                {
                    if (Matches("CUSTOMER_IDENTIFIER", customer.CustomerIdentifier) && Matches("CUSTOMER_AWS_ACCOUNT_ID", customer.AwsAccountId) &&
                        Matches("LICENSE_ARN", subscription.LicenseArn) && Matches("DIMENSION", entitlement.Dimension))
                    {
                        entitlements.Add(new EntitlementWire(
                            product.ProductCode,
                            entitlement.Dimension,
                            customer.CustomerIdentifier,
                            customer.AwsAccountId,
                            subscription.LicenseArn,
                            new EntitlementValueWire(entitlement.IntegerValue, entitlement.DoubleValue, entitlement.BooleanValue, entitlement.StringValue),
                            entitlement.ExpirationDate?.ToUnixTimeSeconds()));
                    }
                }
            }
        }

        var page = entitlements.Skip(offset).Take(pageSize).ToList();
        var next = offset + page.Count < entitlements.Count ? PageToken(product.ProductCode, offset + page.Count) : null;
        return new GetEntitlementsOutput(page, next);
    }

    public List<RecordedUsage> RecordedUsage()
    {
        lock (gate)
        {
            return [.. ledger.Values.OrderBy(r => r.Timestamp).ThenBy(r => r.CustomerIdentifier, StringComparer.Ordinal).ThenBy(r => r.Dimension, StringComparer.Ordinal)];
        }
    }

    public bool IsSubscribed(Customer customer, string productCode)
    {
        lock (gate)
        {
            return IsSubscribedUnlocked(customer, productCode);
        }
    }

    /// <summary>A subscription made through the page wins over the catalogue's state.</summary>
    private bool IsSubscribedUnlocked(Customer customer, string productCode)
    {
        if (subscriptionStates.TryGetValue((customer.CustomerIdentifier, productCode), out var state))
        {
            return state == SubscriptionState.Subscribed;
        }

        return customer.Subscriptions.Any(s => s.ProductCode == productCode && s.State == SubscriptionState.Subscribed);
    }

    private static void Validate(UsageRecordWire record, Product product, DateTimeOffset now)
    {
        if (record.Timestamp is not { } seconds)
        {
            throw new MarketplaceError("ValidationException", "1 validation error detected: Value null at 'usageRecords.member.timestamp' failed to satisfy constraint: Member must not be null");
        }

        var timestamp = DateTimeOffset.UnixEpoch.AddSeconds((double)seconds);
        if (timestamp < now - MaxRecordAge || timestamp > now + MaxRecordLead)
        {
            throw new MarketplaceError(
                "TimestampOutOfBoundsException",
                $"Timestamp {timestamp:O} is out of the allowed range: usage must be reported within {MaxRecordAge.TotalHours} hours.");
        }

        if (string.IsNullOrEmpty(record.Dimension) || !product.Dimensions.Any(d => d.Name == record.Dimension))
        {
            throw new MarketplaceError("InvalidUsageDimensionException", $"Dimension '{record.Dimension}' is not a dimension of product {product.ProductCode}.");
        }

        var byIdentifier = !string.IsNullOrEmpty(record.CustomerIdentifier);
        var byAccount = !string.IsNullOrEmpty(record.CustomerAWSAccountId);
        if (byIdentifier == byAccount)
        {
            throw new MarketplaceError("ValidationException", "Exactly one of CustomerIdentifier and CustomerAWSAccountId must be set.");
        }

        if (record.Quantity is < 0)
        {
            throw new MarketplaceError("ValidationException", "Quantity must be at least 0.");
        }

        if (record.UsageAllocations is { Count: > 0 } allocations)
        {
            if (allocations.Sum(a => (long)(a.AllocatedUsageQuantity ?? 0)) != (record.Quantity ?? 0))
            {
                throw new MarketplaceError("InvalidUsageAllocationsException", "The sum of AllocatedUsageQuantity must equal Quantity.");
            }

            if (allocations.Any(a => a.Tags is { Count: > 5 }))
            {
                throw new MarketplaceError("InvalidTagException", "A usage allocation can have at most 5 tags.");
            }
        }
    }

    private UsageRecordResultWire Meter(UsageRecordWire record, Product product)
    {
        var customer = string.IsNullOrEmpty(record.CustomerIdentifier)
            ? catalogue.Customers.FirstOrDefault(c => c.AwsAccountId == record.CustomerAWSAccountId)
            : FindCustomer(record.CustomerIdentifier);
        var subscribed = customer is not null && IsSubscribedUnlocked(customer, product.ProductCode);
        var licenseMatches = string.IsNullOrEmpty(record.LicenseArn) || (customer is not null && record.LicenseArn == LicenseArnOf(customer, product.ProductCode));
        if (!subscribed || !licenseMatches)
        {
            return new UsageRecordResultWire(record, null, "CustomerNotSubscribed");
        }

        var timestamp = DateTimeOffset.UnixEpoch.AddSeconds((double)record.Timestamp!.Value);
        var hour = new DateTimeOffset(timestamp.Year, timestamp.Month, timestamp.Day, timestamp.Hour, 0, 0, TimeSpan.Zero);
        var key = (product.ProductCode, customer!.CustomerIdentifier, record.Dimension!, hour);
        var quantity = record.Quantity ?? 0;
        if (ledger.TryGetValue(key, out var existing))
        {
            // Marketplace keeps one record per customer, dimension and hour: an identical resend is answered
            // like the first, a different quantity is a duplicate it refuses.
            return existing.Quantity == quantity
                ? new UsageRecordResultWire(record, existing.MeteringRecordId, "Success")
                : new UsageRecordResultWire(record, null, "DuplicateRecord");
        }

        var accepted = new RecordedUsage(
            Guid.NewGuid().ToString(), product.ProductCode, customer.CustomerIdentifier, customer.AwsAccountId, record.LicenseArn,
            record.Dimension!, quantity, timestamp, hour, record.UsageAllocations);
        ledger[key] = accepted;
        return new UsageRecordResultWire(record, accepted.MeteringRecordId, "Success");
    }

    private Customer? FindCustomer(string? customerIdentifier) =>
        catalogue.Customers.FirstOrDefault(c => c.CustomerIdentifier == customerIdentifier);

    /// <summary>The catalogue's license ARN, or a stable made-up one for a customer who subscribed through the page.</summary>
    private static string LicenseArnOf(Customer customer, string productCode) =>
        customer.Subscriptions.FirstOrDefault(s => s.ProductCode == productCode)?.LicenseArn
        ?? $"arn:aws:license-manager::{customer.AwsAccountId}:license:l-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(customer.CustomerIdentifier + "/" + productCode)))[..32]}";

    private static string PageToken(string productCode, int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{productCode}|{offset}")));

    private static bool TryReadPageToken(string token, string productCode, out int offset)
    {
        offset = 0;
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('|');
            return parts.Length == 2 && parts[0] == productCode && int.TryParse(parts[1], CultureInfo.InvariantCulture, out offset) && offset >= 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
